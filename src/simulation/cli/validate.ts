import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { simulate } from '../engine/simulate';
import type { ValidationReport, ValidationSetup } from '../hhs/validation';
import { compareWithObserved, prepareValidation } from '../hhs/validation';
import { validationChart } from '../report/charts';
import { validationMarkdown } from '../report/markdown';
import { loadHhsSeries } from '../runtime/files';
import { endProgress, stderrProgress } from '../runtime/progress';
import { WorkerPool } from '../runtime/worker-pool';
import { runCommand } from './run-command';
import { UsageError, toNumber } from './specs';

const HELP = `npm run simulate:validate -- [options]

Feeds the simulator the admissions HHS observed over a period and that period's length of care,
starts it from the children HHS counted in care on the period's first reported day, and compares the
children in care it produces with HHS's count on every reported day. Writes validation.md,
validation.json and one chart per period to --out; prints the Markdown.

  --period LABEL=FROM:TO   Repeatable. Default: "February 2024=2024-02-01:2024-02-29" and
                           "Early 2025=2025-01-01:2025-03-31" (a fast fall in care, then FG26 and
                           the collapse of discharges).
  --variants V             headline (default): admissions auto (transfers, derived in the repeated
                           blocks), length of care balanced, one per month. all: also the README's
                           reported-days stay, one stay for the whole period, and transfers only.
  --file FILE              HHS series (default src/simulation/hhs/hhs-uc-daily.csv).
  --runs N --seed N --sample X --workers N   As for npm run simulate (defaults 3, 1, 1).
  --out DIR                Default data/simulation/validation.
  --help
`;

const DEFAULT_PERIODS = ['February 2024=2024-02-01:2024-02-29', 'Early 2025=2025-01-01:2025-03-31'];
type Variant = Omit<ValidationSetup, 'label' | 'from' | 'to'>;
const HEADLINE: Variant = { source: 'auto', stay: 'balanced', granularity: 'month' };
const OTHERS: Variant[] = [
  { source: 'auto', stay: 'reported', granularity: 'month' },
  { source: 'auto', stay: 'balanced', granularity: 'period' },
  { source: 'transfers', stay: 'balanced', granularity: 'month' },
];

function periods(specs: string[]): { label: string; from: string; to: string }[] {
  return specs.map((spec) => {
    const match = /^(.+)=(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})$/.exec(spec);
    if (!match) throw new UsageError(`--period: "${spec}" is not LABEL=YYYY-MM-DD:YYYY-MM-DD`);
    return { label: match[1]!, from: match[2]!, to: match[3]! };
  });
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

async function main(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      period: { type: 'string', multiple: true },
      variants: { type: 'string' },
      file: { type: 'string' },
      runs: { type: 'string' },
      seed: { type: 'string' },
      sample: { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (v.help) return void process.stdout.write(HELP);
  if (v.variants && !['headline', 'all'].includes(v.variants)) throw new UsageError('--variants is headline or all');
  const series = loadHhsSeries(v.file);
  const options = {
    runs: toNumber(v.runs ?? '3', '--runs'),
    seed: toNumber(v.seed ?? '1', '--seed'),
    sample: toNumber(v.sample ?? '1', '--sample'),
  };
  const variants = v.variants === 'all' ? [HEADLINE, ...OTHERS] : [HEADLINE];
  const out = v.out ?? 'data/simulation/validation';
  mkdirSync(out, { recursive: true });
  const pool = new WorkerPool(v.workers ? toNumber(v.workers, '--workers') : undefined);
  const reports: { title: string; report: ValidationReport }[] = [];
  try {
    for (const period of periods(v.period ?? DEFAULT_PERIODS)) {
      for (const variant of variants) {
        const prepared = prepareValidation(series, { ...period, ...variant }, options);
        const result = await simulate(prepared.request, pool, {
          progress: stderrProgress(`${period.label} (${variant.source}, ${variant.stay}/${variant.granularity})`),
        });
        endProgress();
        const report = compareWithObserved(prepared, result);
        reports.push({ title: period.label, report });
        if (variant === HEADLINE)
          writeFileSync(
            join(out, `validation-${slug(period.label)}.svg`),
            validationChart(report, `Children in care, ${period.label}: HHS against the simulation`),
          );
      }
    }
  } finally {
    await pool.close();
  }
  const markdown = `${validationMarkdown(reports)}\n\n${reports
    .filter(
      (r) =>
        r.report.setup.source === HEADLINE.source &&
        r.report.setup.stay === HEADLINE.stay &&
        r.report.setup.granularity === HEADLINE.granularity,
    )
    .map(({ title, report }) => worstDays(title, report))
    .join('\n\n')}\n`;
  writeFileSync(join(out, 'validation.md'), markdown);
  writeFileSync(join(out, 'validation.json'), `${JSON.stringify(reports, null, 2)}\n`);
  process.stdout.write(markdown);
}

/** Where a period departs most: the days outside 10%, and the arrivals' sources. */
function worstDays(title: string, report: ValidationReport): string {
  const outside = report.days.filter((d) => Math.abs(d.error) > 0.1);
  const sources = Object.entries(report.arrivalSources)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const lines = [
    `### ${title}`,
    '',
    `Started ${report.startRow} with ${report.initialInCare.toLocaleString('en-US')} in care. Admissions by day: ${sources}${report.clampedChildren > 0 ? `; ${Math.round(report.clampedChildren)} negative derived admissions set to 0` : ''}.`,
    '',
    outside.length === 0
      ? 'Every reported day within 10%.'
      : `Days outside 10%: ${outside.map((d) => `${d.date} (${d.error > 0 ? '+' : ''}${(d.error * 100).toFixed(1)}%)`).join(', ')}.`,
  ];
  return lines.join('\n');
}

runCommand(() => main(process.argv.slice(2)));
