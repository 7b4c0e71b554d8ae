/**
 * Where the language server draws the line between inside and outside a
 * folder (language-server/workspace/pathInside.ts): the catalogs, the
 * sandbox and the completion conventions all ask it.
 */
import assert from 'node:assert/strict';
import { isInsideOrSame, isStrictlyInside } from '../../language-server/workspace/pathInside';

describe('pathInside', () => {
  it('counts the folder itself only where asked', () => {
    assert.equal(isInsideOrSame('/ws', '/ws'), true);
    assert.equal(isStrictlyInside('/ws', '/ws'), false);
    assert.equal(isStrictlyInside('/ws', '/ws/src/a.ts'), true);
  });

  it('keeps out siblings that share a prefix, parents and paths that climb out', () => {
    for (const outside of ['/ws2/a.ts', '/', '/ws/../etc/passwd', '/other']) {
      assert.equal(isInsideOrSame('/ws', outside), false, outside);
      assert.equal(isStrictlyInside('/ws', outside), false, outside);
    }
  });

  it('lets in names that merely start with two dots', () => {
    assert.equal(isInsideOrSame('/ws', '/ws/..notes'), true);
    assert.equal(isStrictlyInside('/ws', '/ws/..cache/x'), true);
  });
});
