/**
 * MCP resource templates (protocol/uriTemplate.ts): only RFC 6570 level-1
 * templates are recognised, and a value is always one value (percent-encoded),
 * never extra path segments, a query or a fragment.
 */
import assert from 'node:assert/strict';
import { expandUriTemplate, matchesUriTemplate, templateVariables } from '../../protocol/uriTemplate';

describe('MCP resource templates (RFC 6570 level 1)', () => {
  it('finds {name} variables in order, once each', () => {
    assert.deepEqual(templateVariables('demo://resource/dynamic/text/{resourceId}'), ['resourceId']);
    assert.deepEqual(templateVariables('db://{schema}/{table}/{schema}'), ['schema', 'table']);
  });

  it('does not offer templates beyond level 1, or text that is not a template', () => {
    for (const t of ['file:///{+path}', 'search://{?q}', 'x://{/seg}', 'x://{a,b}', 'x://{a', 'x://plain', 'x://{}', 'x://{a b}']) assert.equal(templateVariables(t), undefined, t);
  });

  it('percent-encodes every value so it stays one value', () => {
    assert.equal(expandUriTemplate('demo://resource/dynamic/text/{resourceId}', { resourceId: '7' }), 'demo://resource/dynamic/text/7');
    assert.equal(expandUriTemplate('db://{table}', { table: '../etc/passwd?x=1#frag' }), 'db://..%2Fetc%2Fpasswd%3Fx%3D1%23frag');
    assert.equal(expandUriTemplate('db://{t}', { t: 'naïve {x} ~ok_-.' }), 'db://na%C3%AFve%20%7Bx%7D%20~ok_-.');
    assert.throws(() => expandUriTemplate('db://{a}/{b}', { a: '1' }), /no value for \{b\}/);
  });

  it('matches a URI only when some values expand the template to it (what the team server lets a developer read)', () => {
    const t = 'demo://resource/dynamic/text/{resourceId}';
    assert.equal(matchesUriTemplate(t, expandUriTemplate(t, { resourceId: '7' })), true);
    assert.equal(matchesUriTemplate(t, expandUriTemplate(t, { resourceId: 'src/app.ts?x' })), true, 'an encoded path stays inside its variable');
    assert.equal(matchesUriTemplate(t, expandUriTemplate(t, { resourceId: 'a..b' })), true, 'dots inside a name are fine');
    // A server that decodes the value and joins it onto a folder would leave the folder: never forwarded.
    for (const escape of ['..', '.', '../../secret', 'docs/../../etc/passwd', 'a\\..\\b', 'x\u0000']) {
      assert.equal(matchesUriTemplate(t, expandUriTemplate(t, { resourceId: escape })), false, JSON.stringify(escape));
    }
    assert.equal(matchesUriTemplate('file:///srv/docs/{name}', 'file:///srv/docs/..'), false);
    for (const uri of ['demo://resource/dynamic/text/', 'demo://resource/dynamic/text/7/../../x', 'demo://resource/dynamic/text/a?b', 'demo://resource/dynamic/text/a b', 'demo://resource/static/document/x', 'Xdemo://resource/dynamic/text/7']) {
      assert.equal(matchesUriTemplate(t, uri), false, uri);
    }
    assert.equal(matchesUriTemplate('a.b://{x}', 'aXb://1'), false, 'literal text is literal');
    assert.equal(matchesUriTemplate('file:///{+path}', 'file:///etc/passwd'), false, 'templates beyond level 1 match nothing');
  });
});
