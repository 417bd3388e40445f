import { readFileSync } from 'node:fs';

import type { Page } from 'playwright-core';

import type { Targets } from '../../src/contracts/targets';
import { DEFAULT_TARGETS } from '../../src/contracts/targets';
import { ensureWebApp } from '../../src/frontend/build';
import { WEB_DIST } from '../../src/frontend/paths';
import { TEST_TOKENS, tokenFor } from '../helpers/auth';
import { newPage, screenshots, seriousViolations, signIn, useBrowser } from '../helpers/browser';
import { events, openCaseRequest, reviewer } from '../helpers/builders';
import { eventually } from '../helpers/eventually';
import { expeditedCase } from '../helpers/histories';
import { apiClient } from '../helpers/http';
import { useStack } from '../helpers/stack';

jest.setTimeout(300_000);

/**
 * The web application in a real browser (Debian's Chromium) over the whole stack: the dev server,
 * the database, a worker and the API serving the built application. Each test leaves screenshots at
 * 1280 and 390 px in test-results/browser/ and checks its pages with axe-core.
 */
const SECOND_IN_DAYS = 1 / 86_400;
const admin = { id: 'admin-ola', role: 'admin' } as const;

beforeAll(async () => {
  await ensureWebApp();
}, 180_000);
const stack = useStack({
  app: {
    webRoot: WEB_DIST,
    devSignIn: { secret: (TEST_TOKENS.key as { secret: string }).secret, issuer: TEST_TOKENS.issuer, audience: TEST_TOKENS.audience },
    alertStreamPollMs: 200,
  },
});
const browser = useBrowser();
const api = apiClient(stack);

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

/** Opens a case through the API and moves it with the given events (each must be accepted). */
async function caseAt(caseId: string, steps: ReturnType<(typeof events)[keyof typeof events]>[], admittedAt = '2026-11-02T14:00:00Z') {
  expect((await api.post('/cases', openCaseRequest(caseId, { admittedAt }))).status).toBe(201);
  for (const step of steps) {
    const reply = await api.post(`/cases/${caseId}/events`, step);
    expect([reply.status, reply.body.code]).toEqual([200, undefined]);
  }
}

/** The read model follows the workflow a moment later: lists show a case once it is projected. */
async function inReadModel(caseId: string, status: string): Promise<void> {
  await eventually(
    () => api.get<{ items: { caseId: string }[] }>(`/cases?status=${status}&limit=500`, { as: admin }),
    (reply) => reply.body.items.some((c) => c.caseId === caseId),
    `${caseId} in ${status} in the read model`,
  );
}

describe('signing in', () => {
  it('signs in as each role with the development sign-in, and with a pasted token', async () => {
    const { page, errors } = await newPage(browser, stack.base);
    await page.getByText('Development only').waitFor();
    await screenshots(page, 'sign-in');
    await expectAccessible(page);
    const landing = {
      case_manager: 'Caseload',
      case_coordinator: 'Reviewer inbox',
      orr_reviewer: 'Reviewer inbox',
      supervisor: 'Alerts',
      admin: 'Caseload',
    };
    for (const [role, heading] of Object.entries(landing)) {
      await signIn(page, stack.base, role as keyof typeof landing, `${role}-1`, role === 'case_manager' ? 'shelter-tx-07' : '');
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      expect(await page.locator('.who').innerText()).toContain(`${role}-1`);
      await page.getByRole('button', { name: 'Sign out' }).click();
    }
    await page.getByRole('textbox', { name: 'Token' }).fill(await tokenFor(reviewer));
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.locator('.who', { hasText: 'ffs-ben · ORR reviewer' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'Token' }).fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.getByText('The token is malformed').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a case manager', () => {
  it('moves a case from intake to the recommendation, and sees a refusal explained', async () => {
    await caseAt('UC-WEB-0001', []);
    await inReadModel('UC-WEB-0001', 'intake');
    const { page, errors } = await newPage(browser, stack.base);
    await signIn(page, stack.base, 'case_manager', 'cm-ana', 'shelter-tx-07');
    await page.getByRole('link', { name: 'UC-WEB-0001' }).click();
    await page.getByRole('heading', { level: 1, name: /Case UC-WEB-0001/ }).waitFor();
    const send = async (action: string, fill?: () => Promise<void>) => {
      await page.getByRole('group', { name: 'Events you may send now' }).getByRole('button', { name: action }).click();
      await fill?.();
      await page.getByRole('button', { name: `Send: ${action}` }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `${action}: Done` })
        .waitFor();
    };
    await send('Complete intake');
    await send('Identify sponsor', async () => {
      await page.getByRole('combobox', { name: /^Sponsor: category/ }).selectOption('1');
      await page.getByRole('textbox', { name: /^Reason/ }).fill('Mother located');
    });
    await send('Complete assessment');
    await page.locator('h1 .badge', { hasText: 'Vetting' }).waitFor();

    // Vetting cannot be completed with checks pending: the server says which.
    await page.getByText("Why can't I…? Try another event").click();
    await page.getByLabel('Event', { exact: true }).selectOption('COMPLETE_VETTING');
    await page.getByRole('button', { name: 'Open its form' }).click();
    await page.getByRole('button', { name: 'Send: Complete vetting' }).click();
    const refusal = page.locator('.refusal');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(
      /Complete vetting was refused[\s\S]*conditions_not_met[\s\S]*pending[\s\S]*Events you may send now: .*Clear a check/,
    );
    await screenshots(page, 'case-refusal');

    for (const check of ['identity', 'relationship', 'public_records', 'sex_offender', 'fbi_fingerprint']) {
      await send('Clear a check', async () => {
        await page.getByRole('combobox', { name: /^Check/ }).selectOption(check);
      });
    }
    await send('Complete vetting');
    await page.locator('h1 .badge', { hasText: 'Recommendation' }).waitFor();
    await page.getByText('✓ Verified').waitFor();
    const view = await api.get<{ status: string; transitions: unknown[] }>('/cases/UC-WEB-0001');
    expect([view.body.status, view.body.transitions.length]).toEqual(['recommendation', 10]);
    await screenshots(page, 'case');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Caseload' }).click();
    await page.getByRole('link', { name: 'UC-WEB-0001' }).waitFor();
    await screenshots(page, 'caseload');
    await expectAccessible(page);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('an ORR reviewer', () => {
  it('approves a release from the inbox', async () => {
    await caseAt('UC-WEB-0002', [
      events.completeIntake(),
      events.identifySponsor('1'),
      events.completeAssessment(),
      ...['identity', 'relationship', 'public_records', 'sex_offender', 'fbi_fingerprint'].map((check) =>
        events.clearCheck(check as never),
      ),
      events.completeVetting(),
      events.recommend(),
    ]);
    await inReadModel('UC-WEB-0002', 'release_decision');
    const { page, errors } = await newPage(browser, stack.base);
    await signIn(page, stack.base, 'orr_reviewer', 'ffs-ben');
    const item = page.locator('.inbox-item', { hasText: 'UC-WEB-0002' });
    await item.getByText(/left|overdue/).waitFor();
    await screenshots(page, 'inbox');
    await expectAccessible(page);
    await item.getByRole('button', { name: 'Decide case UC-WEB-0002' }).click();
    await item.getByRole('combobox', { name: /^Decision/ }).selectOption('approve');
    await item.getByRole('button', { name: 'Send: Decide release' }).click();
    // Applied, or (on a busy machine) delivered before the case was seen applying it.
    await page
      .getByRole('status', { name: 'Decisions sent' })
      .getByText(/Case UC-WEB-0002: Decision (applied; the case is now release_approved|delivered)/)
      .waitFor();
    await eventually(
      () => api.get<{ status: string }>('/cases/UC-WEB-0002'),
      (reply) => reply.body.status === 'release_approved',
      'the approval applied',
    );
    await screenshots(page, 'inbox-decided');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a supervisor', () => {
  it('sees an escalation arrive live and acknowledges it', async () => {
    const fast: Targets = {
      ...DEFAULT_TARGETS,
      warnAtFraction: 0.5,
      repeatEveryDays: 1,
      stages: DEFAULT_TARGETS.stages.map((s) => (s.name === 'sponsor_identified' ? { ...s, days: 4 * SECOND_IN_DAYS } : s)),
    };
    expect((await api.put('/targets', { actor: admin, reason: 'Seconds, for the browser test', targets: fast })).status).toBe(200);
    const { page, errors } = await newPage(browser, stack.base);
    await signIn(page, stack.base, 'supervisor', 'sup-carla');
    await page.getByText('Live: new alerts appear as they fire').waitFor();
    await caseAt('UC-WEB-0003', [], new Date().toISOString());
    const escalation = page.locator('.alert-item.escalation', { hasText: 'UC-WEB-0003' });
    await escalation.waitFor({ timeout: 60_000 });
    expect(await escalation.innerText()).toContain('New');
    await screenshots(page, 'alerts-live');
    await expectAccessible(page);
    await escalation.getByRole('button', { name: 'Acknowledge alert for case UC-WEB-0003' }).click();
    await escalation.getByText('acknowledged by sup-carla').waitFor();
    await eventually(
      () => api.get<{ items: { caseId: string; kind: string; acknowledged: unknown }[] }>('/alerts?open=true', { as: admin }),
      (reply) => reply.body.items.some((a) => a.caseId === 'UC-WEB-0003' && a.kind === 'escalation' && a.acknowledged !== null),
      'the acknowledgement in the read model',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a supervisor with a caseload', () => {
  it('bulk-reassigns three cases to another case manager', async () => {
    for (const id of ['UC-WEB-0101', 'UC-WEB-0102', 'UC-WEB-0103']) await caseAt(id, []);
    await inReadModel('UC-WEB-0103', 'intake');
    const { page, errors } = await newPage(browser, stack.base);
    await signIn(page, stack.base, 'supervisor', 'sup-carla');
    await page.getByRole('link', { name: 'Caseload' }).click();
    await page.getByRole('searchbox', { name: 'Case id' }).fill('UC-WEB-01');
    await eventually(
      () => page.locator('table.cases tbody tr').allInnerTexts(),
      (rows) => rows.length === 3 && rows.every((row) => row.includes('UC-WEB-01')),
      'the list filtered to the three cases',
    );
    await page.getByRole('checkbox', { name: 'Select every case on this page' }).check();
    await page.getByRole('textbox', { name: 'To case manager' }).fill('cm-dana');
    await page.getByRole('textbox', { name: 'Reason (optional)' }).fill('Balancing caseloads');
    await page.getByRole('button', { name: 'Reassign 3' }).click();
    await page.getByRole('status').filter({ hasText: 'Reassign: 3 applied.' }).waitFor();
    for (const id of ['UC-WEB-0101', 'UC-WEB-0102', 'UC-WEB-0103']) {
      expect((await api.get<{ assigneeId: string }>(`/cases/${id}`)).body.assigneeId).toBe('cm-dana');
    }
    // The list shows the new case manager once the read model has it.
    await page.getByRole('textbox', { name: 'Case manager' }).fill('cm-dana');
    await page.getByRole('textbox', { name: 'Case manager' }).press('Tab');
    await eventually(
      () => page.locator('table.cases tbody tr', { hasText: 'cm-dana' }).count(),
      (rows) => rows === 3,
      'three rows assigned to cm-dana',
    );
    await screenshots(page, 'caseload-bulk');
    await expectAccessible(page);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the outcomes page', () => {
  it("shows the API's figures: Category 1 against its targets, risk by provider, the CSV; and runs a what-if", async () => {
    const admitted = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
    const imported = await api.post(
      '/imports',
      { cases: [expeditedCase('UC-WEB-0201', admitted(40), undefined, 0.5), expeditedCase('UC-WEB-0202', admitted(30), undefined, 1)] },
      { as: admin },
    );
    expect(imported.status).toBe(201);
    await caseAt('UC-WEB-0203', []);
    await inReadModel('UC-WEB-0203', 'intake');
    const { page, errors } = await newPage(browser, stack.base);
    await signIn(page, stack.base, 'supervisor', 'sup-carla');
    await page.getByRole('link', { name: 'Outcomes' }).click();
    const figure = (label: string) => page.locator(`[data-figure="${label}"]`);
    await figure('Category 1 released within 10 days').waitFor();

    const sup = { id: 'sup-carla', role: 'supervisor' } as const;
    const c1 = (
      await api.get<{ released: { children: number; withinTarget: number; shareWithinTarget: number } }>('/analytics/category-1', {
        as: sup,
      })
    ).body;
    expect(c1.released.children).toBeGreaterThanOrEqual(2);
    expect(await figure('Category 1 released within 10 days').innerText()).toContain(
      `${c1.released.withinTarget} of ${c1.released.children} released in the period`,
    );
    expect(await figure('Category 1 released within 10 days').innerText()).toContain(`${Math.round(c1.released.shareWithinTarget * 100)}%`);
    const risk = (await api.get<{ totals: { open: number; atRisk: number; breached: number } }>('/analytics/risk', { as: sup })).body;
    await figure('risk').waitFor();
    expect(await figure('risk').locator('tfoot tr').innerText()).toMatch(
      new RegExp(`All\\s+${risk.totals.open}\\s+${risk.totals.atRisk}\\s+${risk.totals.breached}`),
    );
    await page.locator('#stages-title ~ .chart svg, #stages-title ~ * .chart svg').first().waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export length of stay (CSV)' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const fromApi = await fetch(`${stack.base}/reports/length-of-stay.csv`, {
      headers: { authorization: `Bearer ${await tokenFor(sup)}` },
    });
    expect(csv).toBe(await fromApi.text());
    expect(csv).toContain(`,category_1_released,1,${c1.released.children},`);
    expect(download.suggestedFilename()).toMatch(/^length-of-stay_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);

    await screenshots(page, 'outcomes');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Run the what-if' }).click();
    await figure('what-if')
      .getByText(/Beds freed over the last 30 days: /)
      .waitFor({ timeout: 120_000 });
    await figure('what-if').locator('.chart svg').waitFor();
    expect(await figure('what-if').innerText()).toMatch(/Category 1 mean days in care\s+[\d.]+ \(/);
    await screenshots(page, 'outcomes-what-if');
    expect(errors).toEqual([]);
    await page.close();
  });
});
