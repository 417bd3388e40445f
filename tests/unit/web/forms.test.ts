import { OpenCaseBodySchema } from '../../../src/contracts/case-input';
import { bodyFrom, eventFields, initialValues, schemaFields, validateAgainst, validateBody } from '../../../web/src/lib/event-form';

/** The web application's forms are built from the event contracts: each event's fields, its body, its errors. */
describe('event forms from the contracts', () => {
  it('flattens a nested object, orders sponsor categories as people read them, and makes an unsaid yes/no a choice', () => {
    const fields = eventFields('IDENTIFY_SPONSOR');
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['reason', 'text', false],
      ['sponsor.category', 'choice', true],
      ['sponsor.presentsRisk', 'boolean', false],
      ['sponsor.sponsoredBefore', 'boolean', false],
      ['sponsor.seekingMultiple', 'boolean', false],
      ['sponsor.related', 'choice', false],
    ]);
    const category = fields[1]!;
    expect(category.kind === 'choice' && category.options.map((o) => o.value)).toEqual(['1', '2A', '2B', '3']);
    expect(fields[5]!.description).toMatch(/required for Category 3/);
  });

  it('builds the body the API takes: empty fields left out, yes/no as booleans, the type added', () => {
    const fields = eventFields('IDENTIFY_SPONSOR');
    const values = { ...initialValues(fields), 'sponsor.category': '3', 'sponsor.related': 'false', reason: '  Aunt located ' };
    const body = bodyFrom(fields, values, { type: 'IDENTIFY_SPONSOR' });
    expect(body).toEqual({
      type: 'IDENTIFY_SPONSOR',
      reason: 'Aunt located',
      sponsor: { category: '3', related: false, presentsRisk: false, sponsoredBefore: false, seekingMultiple: false },
    });
    expect(validateBody('IDENTIFY_SPONSOR', body)).toEqual({ ok: true });
  });

  it("reports the contract's own rules under each field: a Category 3 sponsor must say whether related", () => {
    const fields = eventFields('IDENTIFY_SPONSOR');
    const body = bodyFrom(fields, { ...initialValues(fields), 'sponsor.category': '3' }, { type: 'IDENTIFY_SPONSOR' });
    expect(validateBody('IDENTIFY_SPONSOR', body)).toEqual({
      ok: false,
      errors: { 'sponsor.related': 'is required for a Category 3 sponsor (distant relative or unrelated adult)' },
    });
    const missing = bodyFrom(fields, initialValues(fields), { type: 'IDENTIFY_SPONSOR' });
    expect(validateBody('IDENTIFY_SPONSOR', missing)).toEqual({ ok: false, errors: { 'sponsor.category': 'is required' } });
  });

  it('gives the ORR decision its own contract: a remand to vetting names the checks and a reason', () => {
    const fields = eventFields('DECIDE_RELEASE');
    expect(fields.map((f) => `${f.name}:${f.kind}`)).toEqual([
      'reason:text',
      'decision:choice',
      'remandTo:choice',
      'recheck:multi',
      'grounds:multi',
    ]);
    const remand = bodyFrom(fields, { ...initialValues(fields), decision: 'remand', remandTo: 'vetting' }, { type: 'DECIDE_RELEASE' });
    expect(validateBody('DECIDE_RELEASE', remand)).toEqual({
      ok: false,
      errors: { recheck: expect.stringMatching(/required with a remand to vetting/), reason: 'is required when the decision is remand' },
    });
    const approve = bodyFrom(fields, { ...initialValues(fields), decision: 'approve' }, { type: 'DECIDE_RELEASE' });
    expect(approve).toEqual({ type: 'DECIDE_RELEASE', decision: 'approve' });
    expect(validateBody('DECIDE_RELEASE', approve)).toEqual({ ok: true });
  });

  it('has a form for every event a person sends, and refuses to validate an unknown one', () => {
    for (const type of ['COMPLETE_INTAKE', 'CLEAR_CHECK', 'FLAG_CHECK', 'TRANSFER_CARE_PROVIDER', 'REVIEW_CASE', 'DEPART']) {
      expect(eventFields(type).length).toBeGreaterThan(0);
    }
    expect(eventFields('NOT_AN_EVENT')).toEqual([]);
    expect(validateBody('NOT_AN_EVENT', {})).toEqual({ ok: false, errors: { '': 'Unknown event NOT_AN_EVENT.' } });
  });

  it('turns a local date and time into an instant, and dates stay dates (opening a case)', () => {
    const schema = OpenCaseBodySchema;
    const fields = schemaFields(schema);
    expect(fields.filter((f) => f.kind === 'date' || f.kind === 'datetime').map((f) => `${f.name}:${f.kind}`)).toEqual([
      'admittedAt:datetime',
      'child.birthDate:date',
    ]);
    const body = bodyFrom(fields, {
      ...initialValues(fields),
      caseId: 'UC-9',
      admittedAt: '2026-11-20T10:00',
      careProviderId: 'shelter-tx-07',
      'child.birthDate': '2012-03-04',
    });
    expect(body.admittedAt).toBe(new Date('2026-11-20T10:00').toISOString());
    expect(validateAgainst(schema, body)).toEqual({ ok: true });
  });
});
