/**
 * MCP elicitation forms (protocol/elicitationForm.ts): which requested
 * schemas become a form (the flat, primitive ones the MCP specification
 * allows) and which are refused whole, and how the user's answers are checked
 * before anything reaches the server.
 */
import assert from 'node:assert/strict';
import { elicitationFields, validateElicitation, type ElicitationField } from '../../protocol/elicitationForm';

function fields(schema: unknown): ElicitationField[] {
  const parsed = elicitationFields(schema);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

const form = fields({
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Name', minLength: 2, maxLength: 20 },
    email: { type: 'string', format: 'email' },
    site: { type: 'string', format: 'uri' },
    born: { type: 'string', format: 'date' },
    meet: { type: 'string', format: 'date-time' },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    ratio: { type: 'number', minimum: 0, maximum: 1 },
    agree: { type: 'boolean', default: false },
    size: { type: 'string', enum: ['s', 'm', 'l'], enumNames: ['Small', 'Medium', 'Large'] },
    hero: { type: 'string', oneOf: [{ const: 'h1', title: 'Superman' }, { const: 'h2', title: 'Batman' }] },
    tags: { type: 'array', minItems: 1, maxItems: 2, items: { anyOf: [{ const: 'a', title: 'A' }, { const: 'b', title: 'B' }, { const: 'c', title: 'C' }] } },
  },
  required: ['name', 'agree'],
});

describe('MCP elicitation forms', () => {
  it('turns every primitive the specification allows into a field, in the schema\'s order', () => {
    assert.deepEqual(
      form.map((f) => [f.name, f.kind, f.required]),
      [
        ['name', 'text', true],
        ['email', 'text', false],
        ['site', 'text', false],
        ['born', 'text', false],
        ['meet', 'text', false],
        ['age', 'number', false],
        ['ratio', 'number', false],
        ['agree', 'boolean', true],
        ['size', 'choice', false],
        ['hero', 'choice', false],
        ['tags', 'multiChoice', false],
      ],
    );
    assert.deepEqual(form[8].kind === 'choice' && form[8].options, [
      { value: 's', label: 'Small' },
      { value: 'm', label: 'Medium' },
      { value: 'l', label: 'Large' },
    ]);
    assert.equal(form[5].kind === 'number' && form[5].integer, true);
    assert.equal(form[0].title, 'Name');
    assert.equal(form[1].title, 'email', 'the name labels a field without a title');
  });

  it('refuses schemas a form cannot faithfully show: nested objects, unknown formats, non-string choices, too many fields', () => {
    for (const [schema, why] of [
      [{ type: 'object', properties: { address: { type: 'object', properties: {} } } }, /type "object"/],
      [{ type: 'object', properties: { list: { type: 'array', items: { type: 'number' } } } }, /not a multiple choice of strings/],
      [{ type: 'object', properties: { pin: { type: 'string', format: 'password' } } }, /format "password"/],
      [{ type: 'object', properties: { n: { type: 'string', enum: [1, 2] } } }, /not a list of strings/],
      [{ type: 'array' }, /not an object schema/],
      [{ type: 'object', properties: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, { type: 'string' }])) }, /51 fields/],
    ] as const) {
      const parsed = elicitationFields(schema);
      assert.equal(parsed.ok, false, JSON.stringify(schema));
      assert.match(!parsed.ok ? parsed.reason : '', why);
    }
  });

  it('accepts answers that fit, leaving optional fields out', () => {
    const result = validateElicitation(form, { name: 'Ada', agree: true, email: 'ada@example.com', age: 36, tags: ['a', 'c'], meet: '2026-12-01T15:30:00', born: '1815-12-10', site: 'https://ada.example', size: 'm', hero: 'h2', ratio: 0.5 });
    assert.deepEqual(result.ok && Object.keys(result.content).sort(), ['age', 'agree', 'born', 'email', 'hero', 'meet', 'name', 'ratio', 'site', 'size', 'tags']);
    assert.deepEqual(validateElicitation(form, { name: 'Ada', agree: false }), { ok: true, content: { name: 'Ada', agree: false } });
  });

  it('names every field whose answer does not fit, and why', () => {
    const result = validateElicitation(form, {
      name: 'A',
      email: 'not-an-email',
      site: 'just words',
      born: '2026-02-30',
      meet: 'tomorrow',
      age: 36.5,
      ratio: 2,
      size: 'xl',
      hero: 'h9',
      tags: ['a', 'b', 'c'],
      extra: 'smuggled',
    });
    assert.equal(result.ok, false);
    const errors = !result.ok ? result.errors : {};
    assert.deepEqual(Object.keys(errors).sort(), ['agree', 'born', 'email', 'extra', 'hero', 'meet', 'name', 'ratio', 'site', 'size', 'tags', 'age'].sort());
    assert.equal(errors.agree, 'Required.');
    assert.equal(errors.name, 'At least 2 characters.');
    assert.equal(errors.age, 'Enter a whole number.');
    assert.equal(errors.ratio, 'At most 1.');
    assert.equal(errors.tags, 'Choose at most 2.');
    assert.equal(errors.extra, 'The form has no such field.');
  });

  it('checks types, not only values: a number for a text field, a string for a boolean, duplicates in a list', () => {
    const result = validateElicitation(form, { name: 42, agree: 'yes', tags: ['a', 'a'] });
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.errors, { name: 'Enter text.', agree: 'Choose yes or no.', tags: 'Choose each option once.' });
  });
});
