/**
 * Durable chat sessions: one append-only JSONL file per session.
 *
 * Every record is written with a single `write` to an open descriptor as soon
 * as it happens (text deltas included), so a crash or a kill of the language
 * server loses at most the token in flight. Files are never rewritten in place;
 * loading replays the records.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { isChatMode, type AgentEvent, type ChatMode } from '../../protocol/chat';
import { applyAgentEvent, type AssistantEntry, type SessionEntry, type SessionSummary, type SessionView, type UserEntry } from '../../protocol/sessions';
import { parseSessionRecord, type SessionRecord } from './sessionRecord';
import { ImageStore, isStoredImageRef } from './imageStore';
import { ImageCollector, type CollectionResult, type ImageCollectorOptions } from './imageCollector';
import type { ChatImage } from '../../protocol/chatImages';
import { applyRedo, applyRestoreState, applyRewind, forgetRedo } from './sessionRewind';
import { sessionWriteError } from './sessionWriteError';
import { newAssistantEntry } from './newAssistantEntry';

const SESSION_FILE = /^([0-9a-f-]{36})\.jsonl$/;
/** The format version this Hearth writes in a log's meta record (`v`); a newer Hearth that changes the format raises it. */
const SESSION_FORMAT = 1;

interface OpenSession {
  view: SessionView;
  fd: number | undefined;
}

/** A title the user typed is kept to this many characters. */
const MAX_TITLE_CHARS = 200;

export class SessionStore {
  private readonly dir: string;
  private readonly open = new Map<string, OpenSession>();
  private summaries: Map<string, SessionSummary> | undefined;
  /**
   * The size of each log as this process last read it, plus what it appended
   * since: a log that is larger on disk was written by another window's
   * language server (see `syncWithFolder` and `openSession`).
   */
  private readonly readSizes = new Map<string, number>();
  /** Chats whose log a newer Hearth wrote (its format version is above ours): hidden, and never written or deleted. */
  private readonly newer = new Set<string>();
  readonly images: ImageStore;
  /** Removes the images no chat or draft names any more, and keeps the store under its cap. */
  readonly imageCollector: ImageCollector;

  constructor(storagePath: string, private readonly now: () => number = Date.now, imageOptions: ImageCollectorOptions = {}) {
    // The folder is made with the first chat's log, not here: a storage folder Hearth cannot write must cost the
    // chat history (with a storageFailed error naming it), not the whole language server's start.
    this.dir = path.join(storagePath, 'sessions');
    this.images = new ImageStore(storagePath);
    this.imageCollector = new ImageCollector(storagePath, this.images, imageOptions);
  }

  /** The start-up collection of the image store (see imageCollector.ts). */
  collectImages(): Promise<CollectionResult> {
    return this.imageCollector.sweep();
  }

  /**
   * Newest first. The first call reads every session file once; later calls
   * use memory, plus what another window's language server (same folder,
   * same storage) changed since: a chat it created is read, one it deleted
   * is dropped. Without that, a chat made in one window was missing from the
   * other's History until a restart.
   */
  list(): SessionSummary[] {
    const fresh = this.summaries === undefined;
    const summaries = this.loadSummaries();
    if (!fresh) this.syncWithFolder(summaries);
    return [...summaries.values()].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /**
   * Reads again the logs of chats this process does not have open that
   * appeared or grew since it last read them (another window wrote them),
   * and forgets the ones that are gone.
   */
  private syncWithFolder(summaries: Map<string, SessionSummary>): void {
    const onDisk = new Set<string>();
    for (const name of listFolder(this.dir)) {
      const match = SESSION_FILE.exec(name);
      if (!match) continue;
      const id = match[1];
      onDisk.add(id);
      const open = this.open.get(id);
      if (open) {
        this.readAgainIfChanged(id, open);
        continue;
      }
      const size = fileSize(this.file(id));
      if (size === this.readSizes.get(id)) continue;
      summaries.delete(id);
      const view = this.readSession(id);
      if (view) summaries.set(view.summary.id, view.summary);
    }
    for (const id of [...summaries.keys()]) {
      if (onDisk.has(id)) continue;
      const open = this.open.get(id);
      // An open chat another window deleted is let go too, unless this window is streaming a reply into it.
      if (open) this.readAgainIfChanged(id, open);
      else summaries.delete(id);
    }
    for (const id of [...this.newer]) if (!onDisk.has(id)) this.newer.delete(id);
  }

  /**
   * How many chats `list` leaves out because a newer Hearth saved them: this
   * version cannot read their records faithfully, and appending its own to
   * them could spoil them for the newer one, so they are kept untouched on
   * disk (never opened for writing, never deleted) until the user updates.
   */
  hiddenNewer(): number {
    this.loadSummaries();
    return this.newer.size;
  }

  create(model?: string): SessionView {
    const id = randomUUID();
    const at = this.now();
    const summary: SessionSummary = { id, title: 'New chat', createdAt: at, updatedAt: at, model, messageCount: 0 };
    const session: OpenSession = { view: { summary, entries: [] }, fd: undefined };
    this.append(session, { t: 'meta', v: SESSION_FORMAT, id, createdAt: at, model });
    this.open.set(id, session);
    this.loadSummaries().set(id, summary);
    return session.view;
  }

  /**
   * Returns the session, or undefined when no such session exists. A chat
   * this process has open is read again first when another window's language
   * server appended to it meanwhile (the user carried on there), so this
   * window shows that window's messages and its next reply is asked with them.
   */
  get(id: string): SessionView | undefined {
    const session = this.openSession(id);
    if (!session || this.readAgainIfChanged(id, session) === 'deleted') return undefined;
    return session.view;
  }

  addUserEntry(sessionId: string, entry: Omit<UserEntry, 'kind' | 'id' | 'at'>): UserEntry {
    const session = this.require(sessionId);
    const full: UserEntry = { kind: 'user', id: randomUUID(), at: this.now(), ...entry };
    if (full.images && full.images.length === 0) delete full.images;
    // The images' bytes are on disk before the record that names them; the record keeps only their hashes.
    const { images, ...rest } = full;
    const refs = images?.map((image) => this.images.save(image));
    // Shown in the chat only once it is on disk: a message that could not be stored goes back to the composer instead.
    this.append(session, { t: 'user', entry: refs ? { ...rest, images: refs } : rest });
    forgetRedo(session.view);
    session.view.entries.push(full);
    if (images) {
      // Stored once more now that the record names them: if another window's collector set one aside meanwhile, it is written again.
      for (const image of images) this.images.save(image);
      this.imageCollector.afterWrite();
    }
    if (session.view.summary.title === 'New chat') {
      const title = titleFrom(full.text, full.images);
      session.view.summary.title = title;
      try {
        this.append(session, { t: 'title', title });
      } catch {
        // The message itself is on disk: failing now would hand it back to the composer, and sending it again would
        // store it twice. The reply's first write meets the same disk and tells the user; the title lasts until a restart.
      }
    }
    this.touch(session);
    return full;
  }

  startAssistantEntry(sessionId: string, replyTo: string, model: string, mode?: ChatMode): AssistantEntry {
    const session = this.require(sessionId);
    const entry = newAssistantEntry(replyTo, model, mode, this.now());
    this.append(session, { t: 'assistant', id: entry.id, replyTo, model, at: entry.at, mode });
    forgetRedo(session.view);
    session.view.entries.push(entry);
    session.view.summary.model = model;
    this.touch(session);
    return entry;
  }

  /**
   * Continue: the reply (cut at the length limit) streams again, in place;
   * the continuation's events are appended to what it already has.
   */
  resumeAssistantEntry(sessionId: string, entryId: string): AssistantEntry {
    const session = this.require(sessionId);
    const entry = findAssistant(session.view.entries, entryId);
    if (!entry) throw new Error(`No assistant entry ${entryId} in session ${sessionId}.`);
    resume(entry);
    this.append(session, { t: 'resume', id: entryId });
    this.touch(session);
    return entry;
  }

  /** Applies and persists one event of a running turn. */
  appendEvent(sessionId: string, entryId: string, event: AgentEvent): void {
    const session = this.require(sessionId);
    const entry = findAssistant(session.view.entries, entryId);
    if (!entry) throw new Error(`No assistant entry ${entryId} in session ${sessionId}.`);
    applyAgentEvent(entry, event);
    this.append(session, { t: 'event', id: entryId, event });
    if (event.type === 'done') this.touch(session);
  }

  /** Records a restore to a checkpoint (see sessionRewind.ts); with the conversation in scope, the transcript ends there. */
  rewind(sessionId: string, record: Omit<Extract<SessionRecord, { t: 'rewind' }>, 't'>): void {
    const session = this.require(sessionId);
    const full: SessionRecord = { t: 'rewind', ...record };
    applyRewind(session.view, full);
    this.append(session, full);
    this.touch(session);
  }

  /** Brings back what the latest restore hid (see sessionRewind.ts). */
  redo(sessionId: string, restoreId: string): void {
    const session = this.require(sessionId);
    applyRedo(session.view, restoreId);
    this.append(session, { t: 'redo', restoreId });
    this.touch(session);
  }

  /** Records whether the files of restore `restoreId` are half-way (see `restoreState` in sessionRecord.ts). */
  restoreState(sessionId: string, restoreId: string, interrupted: boolean): void {
    const session = this.require(sessionId);
    applyRestoreState(session.view, restoreId, interrupted);
    this.append(session, { t: 'restoreState', restoreId, interrupted });
  }

  /** Hides an entry (a failed reply replaced by a retry). The record stays in the log. */
  removeEntry(sessionId: string, entryId: string): void {
    const session = this.require(sessionId);
    session.view.entries = session.view.entries.filter((e) => e.id !== entryId);
    this.append(session, { t: 'remove', id: entryId });
    this.touch(session);
  }

  /**
   * Stores the chat's own settings (its mode, the rules files switched off
   * for it). Only what changed is written; undefined when there is no such chat.
   */
  configure(sessionId: string, config: { mode?: ChatMode; disabledRules?: string[]; model?: string }): SessionSummary | undefined {
    const session = this.openSession(sessionId);
    if (!session) return undefined;
    const summary = session.view.summary;
    const record: Extract<SessionRecord, { t: 'config' }> = { t: 'config' };
    if (config.mode !== undefined && config.mode !== (summary.mode ?? 'agent')) record.mode = config.mode;
    if (config.disabledRules !== undefined && !sameList(config.disabledRules, summary.disabledRules ?? [])) record.disabledRules = [...new Set(config.disabledRules)];
    // A picked model belongs to the chat's mode (the one set by this same call, if any).
    const model = config.model?.trim();
    const modelMode = config.mode ?? summary.mode ?? 'agent';
    if (model && summary.models?.[modelMode] !== model) record.models = { ...summary.models, [modelMode]: model };
    if (record.mode !== undefined || record.disabledRules !== undefined || record.models !== undefined) {
      applyConfig(summary, record);
      this.append(session, record);
      this.summaries?.set(summary.id, summary);
    }
    return { ...summary };
  }

  /** Gives a chat the user's own title (stored, so it survives a restart); undefined when there is no such chat. */
  rename(sessionId: string, title: string): SessionSummary | undefined {
    const session = this.openSession(sessionId);
    if (!session) return undefined;
    const clean = title.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE_CHARS);
    if (clean === '') throw new Error('A chat title cannot be empty.');
    session.view.summary.title = clean;
    this.append(session, { t: 'title', title: clean });
    this.summaries?.set(session.view.summary.id, session.view.summary);
    return { ...session.view.summary };
  }

  /** Deletes the chat's log; its images go too, unless another chat or an unsent draft names them. */
  delete(sessionId: string): boolean {
    if (!/^[0-9a-f-]{36}$/.test(sessionId)) return false;
    const session = this.open.get(sessionId);
    if (session?.fd !== undefined) fs.closeSync(session.fd);
    this.open.delete(sessionId);
    this.summaries?.delete(sessionId);
    let text: string;
    try {
      text = fs.readFileSync(this.file(sessionId), 'utf8');
      // A chat a newer Hearth saved is not this version's to delete: the user cannot even see it here.
      if (formatVersion(text) > SESSION_FORMAT) return false;
      fs.unlinkSync(this.file(sessionId));
    } catch {
      return false;
    }
    void this.imageCollector.forget(imageHashes(text));
    return true;
  }

  close(): void {
    for (const session of this.open.values()) {
      if (session.fd !== undefined) fs.closeSync(session.fd);
      session.fd = undefined;
    }
  }

  private require(id: string): OpenSession {
    const session = this.openSession(id);
    if (!session) throw new Error(`Session ${id} does not exist (it may have been deleted).`);
    return session;
  }

  private openSession(id: string): OpenSession | undefined {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
    const cached = this.open.get(id);
    if (cached) return cached;
    const view = this.readSession(id, (ref) => this.images.load(ref));
    if (!view) return undefined;
    const session: OpenSession = { view, fd: undefined };
    this.open.set(id, session);
    return session;
  }

  /**
   * Replays an open chat's log again when it grew past what this process read
   * and wrote (another window wrote to it). Not while this process streams a
   * reply into it: that turn holds the view and appends to it, and the log
   * then gets both windows' records in the order they were written, which is
   * what the next read shows. A log another window deleted (the user
   * deleted the chat there) is let go here too: a message written to it
   * would go to a file nobody can open again, so sending to it is refused
   * instead, with the text kept in the composer.
   */
  private readAgainIfChanged(id: string, session: OpenSession): 'same' | 'read' | 'deleted' {
    if (session.view.entries.some((e) => e.kind === 'assistant' && e.state === 'streaming')) return 'same';
    const size = fileSize(this.file(id));
    if (size === undefined) {
      if (session.fd !== undefined) fs.closeSync(session.fd);
      this.open.delete(id);
      this.summaries?.delete(id);
      this.readSizes.delete(id);
      return 'deleted';
    }
    if (size === this.readSizes.get(id)) return 'same';
    const view = this.readSession(id, (ref) => this.images.load(ref));
    if (!view) return 'same';
    session.view = view;
    this.summaries?.set(id, view.summary);
    return 'read';
  }

  /** `loadImage`: reads the images of user entries (the history list needs none). */
  private readSession(id: string, loadImage?: (ref: unknown) => ChatImage | undefined): SessionView | undefined {
    let raw: Buffer;
    try {
      raw = fs.readFileSync(this.file(id));
    } catch {
      return undefined;
    }
    this.readSizes.set(id, raw.length);
    const text = raw.toString('utf8');
    if (formatVersion(text) > SESSION_FORMAT) {
      this.newer.add(id);
      return undefined;
    }
    this.newer.delete(id);
    return replay(id, text, loadImage);
  }

  private loadSummaries(): Map<string, SessionSummary> {
    if (this.summaries) return this.summaries;
    const summaries = new Map<string, SessionSummary>();
    this.newer.clear();
    for (const name of listFolder(this.dir)) {
      const match = SESSION_FILE.exec(name);
      if (!match) continue;
      const view = this.open.get(match[1])?.view ?? this.readSession(match[1]);
      if (view) summaries.set(view.summary.id, view.summary);
    }
    this.summaries = summaries;
    return summaries;
  }

  private touch(session: OpenSession): void {
    session.view.summary.updatedAt = this.now();
    session.view.summary.messageCount = session.view.entries.length;
    this.summaries?.set(session.view.summary.id, session.view.summary);
  }

  /** Throws a `storageFailed` HearthException when the record could not be written whole. */
  private append(session: OpenSession, record: SessionRecord): void {
    const line = Buffer.from(JSON.stringify(record) + '\n');
    try {
      if (session.fd === undefined) {
        fs.mkdirSync(this.dir, { recursive: true });
        session.fd = openForAppend(this.file(session.view.summary.id));
      }
      // A full disk first writes part of the line and returns its length; only the next write fails.
      for (let written = 0; written < line.length; ) {
        const n = fs.writeSync(session.fd, line, written);
        if (n <= 0) throw Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' });
        written += n;
      }
      this.readSizes.set(session.view.summary.id, (this.readSizes.get(session.view.summary.id) ?? 0) + line.length);
    } catch (err) {
      // The descriptor is let go, so the next write opens the log again and first ends the half-written line.
      if (session.fd !== undefined) fs.closeSync(session.fd);
      session.fd = undefined;
      throw sessionWriteError(err, this.dir);
    }
  }

  private file(id: string): string {
    return path.join(this.dir, `${id}.jsonl`);
  }
}

/**
 * The format version in a log's meta record (its first record; a log whose
 * first line is torn has none and counts as ours, to be replayed as before).
 */
function formatVersion(text: string): number {
  const end = text.indexOf('\n');
  const record = parseSessionRecord(end < 0 ? text : text.slice(0, end));
  const v = record?.t === 'meta' ? (record as { v?: unknown }).v : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : SESSION_FORMAT;
}

function fileSize(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

/** The names in a folder; none when it does not exist yet or cannot be read (the first write then says why). */
function listFolder(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Opens a log to append to it. A kill in the middle of a write leaves half a
 * record without its newline at the end; the next record would be glued to it
 * and lost with it on replay (the user's next message, in a reopened chat), so
 * the torn line is ended first and replay skips it alone.
 */
function openForAppend(file: string): number {
  const fd = fs.openSync(file, 'a+');
  const { size } = fs.fstatSync(fd);
  if (size > 0) {
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) fs.writeSync(fd, '\n');
  }
  return fd;
}

/** The images a session log names (hidden entries included: the log is the record). */
function imageHashes(text: string): string[] {
  const hashes: string[] = [];
  for (const line of text.split('\n')) {
    const record = line.trim() ? parseSessionRecord(line) : undefined;
    if (record?.t === 'user' && Array.isArray(record.entry.images)) for (const ref of record.entry.images) if (isStoredImageRef(ref)) hashes.push(ref.sha256);
  }
  return hashes;
}

function findAssistant(entries: SessionEntry[], id: string): AssistantEntry | undefined {
  const entry = entries.find((e) => e.id === id);
  return entry?.kind === 'assistant' ? entry : undefined;
}

function resume(entry: AssistantEntry): void {
  entry.state = 'streaming';
  entry.doneReason = undefined;
  entry.error = undefined;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Applies a config record to a summary, ignoring values a damaged log may hold. */
function applyConfig(summary: SessionSummary, record: Extract<SessionRecord, { t: 'config' }>): void {
  if (isChatMode(record.mode)) summary.mode = record.mode;
  if (Array.isArray(record.disabledRules)) summary.disabledRules = record.disabledRules.filter((p): p is string => typeof p === 'string');
  if (typeof record.models === 'object' && record.models !== null) {
    const models: Partial<Record<ChatMode, string>> = {};
    for (const [mode, model] of Object.entries(record.models)) if (isChatMode(mode) && typeof model === 'string' && model.trim()) models[mode] = model;
    summary.models = models;
  }
}

/**
 * A stored user entry with its images read back from the image store. An
 * image whose file is gone is left out; without a loader (the history list)
 * none are read.
 */
function withImages(stored: Extract<SessionRecord, { t: 'user' }>['entry'], loadImage?: (ref: unknown) => ChatImage | undefined): UserEntry {
  const { images: refs, ...entry } = stored;
  if (!Array.isArray(refs) || refs.length === 0 || !loadImage) return entry;
  const images = refs.map((ref) => loadImage(ref)).filter((i): i is ChatImage => i !== undefined);
  return images.length > 0 ? { ...entry, images } : entry;
}

function titleFrom(text: string, images?: readonly ChatImage[]): string {
  const line = text.trim().split('\n')[0] || (images?.length ? `Image: ${images.map((i) => i.name).join(', ')}` : '');
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || 'New chat';
}

/**
 * Rebuilds a session from its log. A torn last line (a kill mid-write) is
 * ignored, and a reply that never reached `done` is marked interrupted.
 */
export function replay(id: string, text: string, loadImage?: (ref: unknown) => ChatImage | undefined): SessionView | undefined {
  let view: SessionView | undefined;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const record = parseSessionRecord(line);
    if (!record) continue;
    if (record.t === 'meta') {
      view = { summary: { id, title: 'New chat', createdAt: record.createdAt, updatedAt: record.createdAt, model: record.model, messageCount: 0 }, entries: [] };
      continue;
    }
    if (!view) continue;
    try {
      applyRecord(view, record, loadImage);
    } catch {
      // A line that parses but cannot be applied (damaged on disk, or written by another version of Hearth) is
      // skipped as a torn line is: one bad record must not hide the rest of the chat, nor, by failing the
      // history list, every other chat.
    }
  }
  if (!view) return undefined;
  for (const entry of view.entries) {
    if (entry.kind === 'assistant' && entry.state === 'streaming') entry.state = 'interrupted';
  }
  view.summary.messageCount = view.entries.length;
  return view;
}

/** Applies one record after the meta record to the chat it rebuilds. */
function applyRecord(view: SessionView, record: SessionRecord, loadImage?: (ref: unknown) => ChatImage | undefined): void {
  switch (record.t) {
    case 'title':
      view.summary.title = record.title;
      break;
    case 'user':
      forgetRedo(view);
      view.entries.push(withImages(record.entry, loadImage));
      view.summary.updatedAt = Math.max(view.summary.updatedAt, record.entry.at);
      break;
    case 'assistant':
      forgetRedo(view);
      view.entries.push({
        kind: 'assistant',
        id: record.id,
        replyTo: record.replyTo,
        model: record.model,
        ...(isChatMode(record.mode) ? { mode: record.mode } : {}),
        parts: [],
        state: 'streaming',
        at: record.at,
      });
      view.summary.model = record.model;
      view.summary.updatedAt = Math.max(view.summary.updatedAt, record.at);
      break;
    case 'event': {
      const entry = findAssistant(view.entries, record.id);
      if (entry) applyAgentEvent(entry, record.event);
      break;
    }
    case 'remove':
      view.entries = view.entries.filter((e) => e.id !== record.id);
      break;
    case 'config':
      applyConfig(view.summary, record);
      break;
    case 'rewind':
      applyRewind(view, record);
      break;
    case 'redo':
      applyRedo(view, record.restoreId);
      break;
    case 'restoreState':
      if (typeof record.restoreId === 'string') applyRestoreState(view, record.restoreId, record.interrupted === true);
      break;
    case 'resume': {
      const entry = findAssistant(view.entries, record.id);
      if (entry) resume(entry);
      break;
    }
  }
}
