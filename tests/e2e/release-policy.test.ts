import { WorkflowNotFoundError } from '@temporalio/client';

import type { CaseView } from '../../src/contracts/case-view';
import type { PolicyEvaluation } from '../../src/contracts/policy-evaluation';
import { appealReviewer, clearPending, events, openCaseRequest } from '../helpers/builders';
import { eventually } from '../helpers/eventually';
import { apiClient, eventDriver } from '../helpers/http';
import { useStack } from '../helpers/stack';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(90_000);

/**
 * Issue 14's rules through the API over the real stack (the CLI's dev server, the database, a
 * worker, HTTP): household members and their checks, dated results, GET /cases/:id/policy, appeals,
 * valid dates at the door and the age-out on the 18th birthday. What turns on time passing
 * (expiry, acknowledgement deadlines) is on the time-skipping server in tests/workflows.
 */
const stack = useStack({ app: { decisionWaitMs: 15_000 } });
const api = apiClient(stack);
const { post, get } = api;
const drive = eventDriver(api);
const DAY = 86_400_000;

async function openCase(overrides: Parameters<typeof openCaseRequest>[1] = {}): Promise<string> {
  const caseId = uniqueName('UC');
  const created = await post('/cases', openCaseRequest(caseId, overrides));
  expect(created.status).toBe(201);
  return caseId;
}

/** Every required check of everyone still pending, cleared. */
async function clearEveryone(caseId: string): Promise<CaseView> {
  const view = (await get<CaseView>(`/cases/${caseId}`)).body;
  const requests = view.people.flatMap((p) =>
    p.checks
      .filter((c) => c.required && c.status === 'pending')
      .map((c) => events.clearCheck(c.check, p.role === 'sponsor' ? {} : { person: p.personId })),
  );
  return drive(caseId, ...requests);
}

async function toDenial(caseId: string, category: '1' | '2B'): Promise<CaseView> {
  const vetting = await drive(caseId, events.completeIntake(), events.identifySponsor(category), events.completeAssessment());
  await drive(caseId, ...clearPending(vetting.checks));
  const recommended = await drive(caseId, events.completeVetting(), events.recommend());
  if (recommended.status === 'third_party_review') await drive(caseId, events.review());
  const denied = await post(`/cases/${caseId}/decision`, events.decide('deny'));
  expect(denied).toMatchObject({ status: 200, body: { applied: true } });
  return (await get<CaseView>(`/cases/${caseId}`)).body;
}

describe('household members and dated results, over HTTP', () => {
  it('each adult of the household has checks; vetting waits for them; a result carries its date and source; an expired one is refused', async () => {
    const caseId = await openCase();
    await drive(caseId, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
    const added = await drive(caseId, events.addMember('household_member', 'HH-31'));
    expect(added.people.map((p) => [p.personId, p.role])).toEqual([
      ['sp-1', 'sponsor'],
      ['hm-1', 'household_member'],
    ]);
    expect(added.people[1]!.checks.filter((c) => c.required).map((c) => c.check)).toEqual(
      expect.arrayContaining(['identity', 'public_records', 'sex_offender']),
    );

    // A result older than its validity cannot be entered: nothing changes.
    const stale = new Date(Date.now() - 120 * DAY).toISOString();
    const refused = await post(`/cases/${caseId}/events`, events.clearCheck('public_records', { person: 'hm-1', obtainedAt: stale }));
    expect(refused).toMatchObject({ status: 409, body: { code: 'conditions_not_met' } });

    const obtainedAt = new Date(Date.now() - 10 * DAY).toISOString();
    const dated = await drive(caseId, events.clearCheck('public_records', { person: 'hm-1', obtainedAt, source: 'VND-4471' }));
    expect(dated.people[1]!.checks.find((c) => c.check === 'public_records')).toMatchObject({
      status: 'cleared',
      result: { outcome: 'cleared', obtainedAt, enteredBy: 'cm-ana', source: 'VND-4471' },
      expiresAt: new Date(Date.parse(obtainedAt) + 90 * DAY).toISOString(),
    });
    expect(dated.transitions.at(-1)).toMatchObject({ subject: { sponsorId: 'sp-1', personId: 'hm-1', check: 'public_records' } });

    // The sponsor's checks done, the household member's not: vetting cannot complete, and says whose.
    await drive(caseId, ...clearPending(dated.checks));
    const early = await post<{ code: string; message: string }>(`/cases/${caseId}/events`, events.completeVetting());
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/of hm-1/);

    await clearEveryone(caseId);
    expect((await drive(caseId, events.completeVetting())).status).toBe('recommendation');
  });
});

describe('GET /cases/:id/policy: what another profile would make of the case, changing nothing', () => {
  it('the household fingerprints of February 2025 and the baseline side by side; the case unchanged', async () => {
    const caseId = await openCase();
    await drive(caseId, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
    const before = await drive(caseId, events.addMember('household_member'));
    const under = async (profile: string) => {
      const reply = await get<PolicyEvaluation>(`/cases/${caseId}/policy?profile=${profile}`, {
        as: { id: 'sup-carla', role: 'supervisor' },
      });
      expect(reply.status).toBe(200);
      return reply.body;
    };
    const fingerprints = (e: PolicyEvaluation) =>
      e.people.find((p) => p.personId === 'hm-1')!.checks.find((c) => c.check === 'fbi_fingerprint')!;
    const fg26 = await under('fg26-2025');
    const baseline = await under('baseline-2015');
    expect(fg26.profile).toMatchObject({ id: 'fg26-2025', effectiveFrom: '2025-02-14' });
    expect(fingerprints(fg26).required).toBe(true);
    expect(fingerprints(baseline).required).toBe(false);
    expect(fg26.blocksRelease).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'check_pending', personId: 'hm-1' })]));
    const own = await get<PolicyEvaluation>(`/cases/${caseId}/policy`);
    expect(own.body.profile.id).toBe(before.policyProfile);
    expect(await get(`/cases/${caseId}/policy?profile=rules-2030`)).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    const after = (await get<CaseView>(`/cases/${caseId}`)).body;
    expect(after.transitions).toHaveLength(before.transitions.length);
    expect(after.people).toEqual(before.people);
  });
});

describe('appeals of a denial, over HTTP', () => {
  it('a Category 1 sponsor appeals; acknowledged and granted, the case is back at the ORR decision for that sponsor; the child may not appeal a denial on other grounds', async () => {
    const caseId = await openCase();
    await toDenial(caseId, '1');
    const byChild = await post<{ message: string }>(`/cases/${caseId}/events`, events.fileAppeal('child'));
    expect(byChild).toMatchObject({ status: 409, body: { code: 'conditions_not_met' } });
    expect(byChild.body.message).toMatch(/child_danger/);

    const filed = await drive(caseId, events.fileAppeal('sponsor'));
    expect(filed.appeals[0]).toMatchObject({ id: 'ap-1', sponsorId: 'sp-1', appellant: 'sponsor' });
    // While the appeal is pending another sponsor may be identified.
    expect(filed.allowedEvents.case_manager).toContain('IDENTIFY_SPONSOR');
    await drive(caseId, events.acknowledgeAppeal('ap-1'));
    const granted = await drive(caseId, events.decideAppeal('granted'));
    expect(granted).toMatchObject({ status: 'release_decision', sponsorId: 'sp-1' });
    expect(granted.transitions.at(-1)).toMatchObject({ event: 'DECIDE_APPEAL', actor: { role: appealReviewer.role } });
  });

  it('a Category 2B sponsor may not appeal: 409 with the reason, nothing changes', async () => {
    const caseId = await openCase();
    const denied = await toDenial(caseId, '2B');
    const reply = await post<{ message: string }>(`/cases/${caseId}/events`, events.fileAppeal('sponsor'));
    expect(reply).toMatchObject({ status: 409, body: { code: 'conditions_not_met' } });
    expect(reply.body.message).toMatch(/sp-1 is/);
    expect((await get<CaseView>(`/cases/${caseId}`)).body.transitions).toHaveLength(denied.transitions.length);
  });
});

describe('dates at the door, and the 18th birthday', () => {
  it.each([
    ['an admission in the future', { admittedAt: new Date(Date.now() + DAY).toISOString() }, 'admittedAt'],
    ['a birth after the admission', { child: { birthDate: '2026-11-03' } }, 'child.birthDate'],
    ['a child of 18 on admission', { child: { birthDate: '2008-11-02' } }, 'child.birthDate'],
    ['an impossible calendar date', { child: { birthDate: '2016-02-30' } }, 'child.birthDate'],
  ])('%s: 400 naming the field; no case is started', async (_label, overrides, path) => {
    const caseId = uniqueName('UC');
    const reply = await post('/cases', openCaseRequest(caseId, overrides));
    expect(reply).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    expect(reply.body['issues']).toContainEqual(expect.objectContaining({ where: 'body', path }));
    await expect(stack.env.client.workflow.getHandle(`case-${caseId}`).describe()).rejects.toThrow(WorkflowNotFoundError);
  });

  it('a child who has turned 18 since admission: the case closes by itself as aged out, by the system', async () => {
    const now = new Date();
    const birthday = new Date(Date.UTC(now.getUTCFullYear() - 18, now.getUTCMonth(), now.getUTCDate() - 1)).toISOString().slice(0, 10);
    const caseId = await openCase({ admittedAt: new Date(Date.now() - 30 * DAY).toISOString(), child: { birthDate: birthday } });
    const closed = await eventually(
      async () => (await get<CaseView>(`/cases/${caseId}`)).body,
      (view) => view.closed,
      'the case to age out by itself',
    );
    expect(closed).toMatchObject({ status: 'closed', closure: 'aged_out' });
    expect(closed.transitions.at(-1)).toMatchObject({ event: 'AGE_OUT', actor: { role: 'system' } });
    expect(await post(`/cases/${caseId}/events`, events.completeIntake())).toMatchObject({ status: 409, body: { code: 'case_closed' } });
  });
});
