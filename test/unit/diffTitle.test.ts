/**
 * The diff editor's title names the file a change is proposed for, beside the
 * approval card: it must not read as another file than the one that changes.
 */
import assert from 'node:assert/strict';
import { diffTitle } from '../../extension/approvals/diffTitle';

describe('diff editor titles', () => {
  it('show the characters that reorder or hide a path as ⟨U+XXXX⟩, and a newline too', () => {
    // "src/‮txt.exe" displays as "src/exe.txt", and the override runs on into "(proposed change)".
    assert.equal(diffTitle('src/\u202etxt.exe', 'proposed change', 'Hearth: '), 'Hearth: src/⟨U+202E⟩txt.exe (proposed change)');
    assert.equal(diffTitle('a\u200b.ts\n.git/config', "changed by Hearth's edit_file"), "a⟨U+200B⟩.ts⟨U+000A⟩.git/config (changed by Hearth's edit_file)");
  });

  it('leave an ordinary path as it is, spaces and other scripts included', () => {
    assert.equal(diffTitle('docs/my notes/überblick.md', 'proposed create', 'Hearth: '), 'Hearth: docs/my notes/überblick.md (proposed create)');
  });
});
