import { PROFILE_CHOICES } from '../engine/scenario';

/** `npm run simulate -- --help`. A test checks that every scenario field and flag is named here. */
export const SIMULATE_HELP = `npm run simulate -- [options]

Simulates ORR's release process over a period: each child runs through Reunify's case statechart
and its deadline schedule, with durations drawn from distributions. Prints a Markdown summary and
writes result.json, summary.md and SVG charts to --out. Progress goes to stderr.

Scenario file
  --scenario FILE.json        A request as POST /simulations takes it ({ scenario, whatIf, runs, seed,
                              sample }); the flags below override its fields.
  --regime YYYY-MM            A month of the real program as a steady regime, from the HHS file:
                              its admissions a day (--arrival-rate), its length of care (balanced
                              estimate, --length-of-care), the children in care at that pace
                              (--initial-in-care), the policy profile then in force (--profile), and
                              --start on the 1st of the month unless given.

Period
  --start YYYY-MM-DD          First simulated day.
  --days N                    Days to simulate (1-1100; default 365).

Admissions (one of)
  --arrival-rate N            Mean admissions a day (Poisson).
  --seasonality A:DAY         With --arrival-rate: a yearly swing of ±A (0-0.95) peaking on day DAY
                              of the year, e.g. 0.3:150.
  --arrivals-file FILE        A daily series in HHS's format (date,cbp_apprehended,cbp_in_custody,
                              transferred_to_hhs,hhs_in_care,hhs_discharged); the period's days are
                              used. Default file: src/simulation/hhs/hhs-uc-daily.csv.
  --arrivals-source S         auto (transfers, but derived from the change in care plus discharges
                              in the blocks where transfers repeat), transfers, or derived. Default auto.
                              Missing days are interpolated (see src/simulation/hhs/arrivals.ts).
  --initial-in-care N|observed  Children in care when the period starts (stays in progress);
                              observed: HHS's count on the last reported day before --start.

Children (shares 0-1)
  --categories 1=W,2A=W,2B=W,3=W,4=W   Relative shares of planned sponsor category (4: no viable
                              sponsor at first). Default 1=0.4,2A=0.15,2B=0.3,3=0.1,4=0.05.
  --ages W0,...,W17           Relative weights of age at admission, 0 to 17 (18 numbers).
  --mix KEY=V,...             traffickingVictim (0.02), disability (0.02), abuseVictim (0.04):
                              home-study triggers; category3Related (0.5); unrelatedRepeatSponsor
                              (0.1): sponsored before or several children; sponsorPresentsRisk (0.01).

Process (judgements people make; the machine decides the rest)
  --process KEY=V,...         flagCheck (0.02), flagShowsRisk (0.25), homeStudyUnfavourable (0.1),
                              discretionaryHomeStudy (0.03), moreAssessment (0.02), denial (0.02),
                              remand (0.02), withdrawal (0.03), departure (0.01),
                              departureAfter (a distribution, lognormal:20:1), maxSponsors (3).

Durations (days; DIST is lognormal:MEAN:CV, gamma:MEAN:CV, exponential:MEAN, fixed:DAYS or uniform:MIN:MAX)
  --stage STAGE=DIST          Repeatable. STAGE: intake, sponsor_identification, no_viable_sponsor,
                              application, vetting (last check result to COMPLETE_VETTING), home_study,
                              recommendation, third_party_review, release_decision, release_approved,
                              released (release to the follow-up call).
  --check CHECK=DIST          Repeatable: from pending to result. CHECK: identity, relationship,
                              public_records, sex_offender, fbi_fingerprint, can_registry,
                              prior_sponsorship.
  --category-stage CAT:STAGE=DIST, --category-check CAT:CHECK=DIST   For one category only.
  --durations FILE.json       Durations as the scenario's "durations" field.
  --fit-from-db               Fit stage and check durations from the read model's case_transitions
                              (the database of DATABASE_URL, or the embedded one in REUNIFY_DATA_DIR,
                              which no other process may hold open). Stages with fewer than 20
                              visits keep the built-in defaults.
  --length-of-care DAYS | DATE=DAYS,...   Calibrate every in-care stage so the mean stay is DAYS
                              (from each DATE on: a change slows or speeds the stages under way).
  --length-of-care-from-data  The HHS file's length of care for each month of the period (balanced).

Policy and targets
  --profile P                 ${PROFILE_CHOICES.join(', ')}. by-date: the profile in force when
                              each sponsor is identified. Default by-date.
  --targets FILE.json         Length-of-stay and stage targets (as PUT /targets takes them).
  --target-stay 1=D,2A=D,2B=D,3=D   Only the length-of-stay targets by category.

Capacity (required unless the scenario file gives them)
  --case-managers N           Case managers sharing the open cases.
  --funded-beds N             Funded beds to compare children in care against.

What-if (run against the base with the same seeds; changes apply from --start)
  --what-if SPEC              Repeatable, applied in order. SPEC is one of:
                                category=1,mean-stay=7          Category 1 stays average 7 days
                                category=1,scale=0.5            Category 1 stage durations × 0.5
                                checks=fbi_fingerprint,add=3    fingerprint results 3 days later
                                stages=home_study+application,scale=0.8
                                profile=fg26-2025               another policy profile
                                case-managers=700, funded-beds=9000
                              (scale= and add= take category=, stages= and checks=; with neither
                              stages nor checks: every in-care stage and check.)
  --what-if-label TEXT        The what-if's name in the outputs.

Runs
  --runs N                    Seeded runs (1-30; default 5): intervals are 95% over them.
  --seed N                    Default 1. The same seed gives the same result.
  --sample X                  Share of children simulated (0-1], counts scaled back up. Default 1.
  --workers N                 Worker threads (default: one per core).

Output
  --out DIR                   Default data/simulation. result.json, summary.md, charts/*.svg.
  --json                      Print the JSON result instead of the Markdown summary.
  --help                      This text.

Examples
  npm run simulate -- --regime 2024-02 --case-managers 700 --funded-beds 10000 \\
    --what-if category=1,mean-stay=7 --what-if-label "Category 1 at 7 days"
  npm run simulate -- --start 2025-01-02 --days 89 --arrivals-file src/simulation/hhs/hhs-uc-daily.csv \\
    --initial-in-care observed --length-of-care-from-data --case-managers 400 --funded-beds 8000 --runs 3
`;
