/**
 * The composer's attach-image button: a file picker for PNG, JPEG, GIF and
 * WebP files. Each picked file is read through VS Code's file system (so it
 * works in remote windows too) and checked by its bytes, not its extension.
 */
import * as vscode from 'vscode';
import { imageProblem, imageSizeProblem, MAX_IMAGES_PER_MESSAGE, sniffImageType, type ChatImage } from '../protocol/chatImages';

export async function pickImages(): Promise<{ images: ChatImage[]; problems: string[] }> {
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: 'Attach',
    title: 'Attach images to the message',
    filters: { Images: ['png', 'jpg', 'jpeg', 'gif', 'webp'] },
  });
  const images: ChatImage[] = [];
  const problems: string[] = [];
  for (const uri of uris ?? []) {
    const name = uri.path.split('/').pop() || 'image';
    if (images.length >= MAX_IMAGES_PER_MESSAGE) {
      problems.push(`A message can carry at most ${MAX_IMAGES_PER_MESSAGE} images; ${name} was not attached.`);
      continue;
    }
    try {
      // The size is checked before the file is read, so a huge file is never loaded.
      const { size } = await vscode.workspace.fs.stat(uri);
      const tooLarge = imageSizeProblem(name, size);
      if (tooLarge) {
        problems.push(tooLarge);
        continue;
      }
      const bytes = await vscode.workspace.fs.readFile(uri);
      const mimeType = sniffImageType(bytes);
      if (!mimeType) {
        problems.push(`${name} is not a PNG, JPEG, GIF or WebP image.`);
        continue;
      }
      const image: ChatImage = { mimeType, name, dataBase64: Buffer.from(bytes).toString('base64') };
      const problem = imageProblem(image);
      if (problem) problems.push(problem);
      else images.push(image);
    } catch (err) {
      problems.push(`${name} could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { images, problems };
}
