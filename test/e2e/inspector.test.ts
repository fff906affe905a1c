// The inspector in a real headless browser (Debian's chromium through playwright-core): a live exec session
// against the real codex, its approval answered by clicking, the messages in the order they crossed the
// wire; then its recording opened with `view` and searched; then a front end's session seen through
// `tap --ui`, its approval clicked in the page in the front end's place. A screenshot of each screen goes to
// .tmp/artifacts/. The browser is refused without the token, from a DNS-rebinding name (Host), and from a
// page of another origin (Origin); each refusal header by header is in test/unit/inspector-server.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { openBrowser, REBOUND_HOST, type TestBrowser } from '../helpers/browser.ts';
import { runHandClient } from '../helpers/hand-client.ts';
import { sharedServer } from '../helpers/listening.ts';
import { CLI, CODEX, jsonLines, makeWorld, removeTempDirs, tempDir, waitFor, type World } from '../helpers/world.ts';

afterAll(removeTempDirs);

interface Running {
  child: ChildProcess;
  url: Promise<string>;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts the built CLI and resolves `url` with the inspector address it prints on stderr. */
function startCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Running {
  const child = spawn('node', [CLI, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  const url = new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk) => {
      err += chunk;
      const found = /inspector at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(err);
      if (found) resolve(found[1]);
    });
    child.on('exit', () => reject(new Error(`codex-dbg exited before printing the inspector URL:\n${err}`)));
  });
  url.catch(() => {});
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, url, stdout: () => out, stderr: () => err, exited };
}

let browser: TestBrowser;
let world: World | undefined;
let running: Running | undefined;
let recording = '';

beforeAll(async () => {
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  running = undefined;
  await world?.dispose();
  world = undefined;
});

/** The painted rows of the timeline, top to bottom: [row number, direction, method]. */
async function paintedRows(page: TestBrowser['page']): Promise<[number, string, string][]> {
  return page.$$eval('.rows .row[data-n]', (rows) =>
    rows.map((row) => [Number(row.getAttribute('data-n')), row.querySelector('.dir')?.textContent ?? '', row.getAttribute('data-method') ?? ''] as [number, string, string]),
  );
}

describe('the inspector in a real browser', () => {
  test('a live exec session: messages appear in order, and an approval clicked in the page runs the command in the real codex', async () => {
    world = await makeWorld({ steps: [{ command: 'touch made-by-a-click.txt' }, { text: 'Made it.' }, { text: 'A second turn, started from the page.' }] });
    recording = join(tempDir('inspector'), 'session.jsonl');
    running = startCli(
      [...world.args, 'exec', 'make the file', '--ui', '--approval-policy', 'untrusted', '--sandbox', 'workspace-write', '--handler-timeout', '60000', '--format', 'jsonl', '--record', recording],
      { cwd: world.workdir, env: world.env },
    );
    const { page } = browser;
    await page.goto(await running.url);
    expect(new URL(page.url()).search).toBe(''); // the token went into the cookie, out of the address bar

    // The server asks; the turn waits on the page. The request is in the timeline, pending.
    const card = page.locator('.card[data-method="item/commandExecution/requestApproval"]');
    await card.waitFor();
    await expect(card.locator('code.command').textContent()).resolves.toContain('touch made-by-a-click.txt');
    await page.locator('.row[data-method="item/commandExecution/requestApproval"] .status', { hasText: 'pending' }).waitFor();
    expect(existsSync(join(world.workdir, 'made-by-a-click.txt'))).toBe(false);
    await browser.screenshot('live-approval');

    await card.locator('button[data-decision="accept"]').click();
    await page.locator('.row[data-method="turn/completed"]').waitFor();
    await card.waitFor({ state: 'detached' });
    expect(existsSync(join(world.workdir, 'made-by-a-click.txt'))).toBe(true);
    await browser.screenshot('live-timeline');
    // The request and its reply, found by the search box: answered by the browser, with the latency.
    await page.fill('input[aria-label="search"]', 'method:item/commandExecution/requestApproval');
    await page.press('input[aria-label="search"]', 'Enter');
    await page.locator('.filters .matches', { hasText: /^2 rows$/ }).waitFor();
    const request = page.locator('.row.kind-request[data-method="item/commandExecution/requestApproval"]');
    await expect(request.locator('.status').textContent()).resolves.toBe('ok');
    await expect(request.locator('.by').textContent()).resolves.toBe('the browser');
    await expect(page.locator('.row.kind-response .by').textContent()).resolves.toBe('the browser');
    expect(await request.locator('.dur').textContent()).toMatch(/^\d+(\.\d)? ms$/);
    await page.fill('input[aria-label="search"]', '');
    await page.press('input[aria-label="search"]', 'Enter');

    // Every message, in the order codex-dbg saw it (its jsonl output), is painted in that order: the
    // first screenful after jumping to the top, the last after jumping to the end.
    const wire = jsonLines(running.stdout()).map((line) => [line.dir === 'out' ? '→' : '←', String((line.message as { method?: string }).method ?? '')]);
    await page.selectOption('select[aria-label="kind"]', 'rpc');
    await page.click('text=⇤ first');
    await page.locator('.rows .row[data-n]').first().waitFor();
    const top = await paintedRows(page);
    expect(top.length).toBeGreaterThan(10);
    // (A reply has no method on the wire; the page shows its request's, so only methods sent are compared.)
    top.forEach(([, dir, method], index) => {
      expect(dir).toBe(wire[index][0]);
      if (wire[index][1]) expect(method).toBe(wire[index][1]);
    });
    await page.click('text=last ⇥');
    await page.locator('.rows .row[data-method="turn/completed"]').waitFor();
    const bottom = await paintedRows(page);
    const tail = wire.slice(wire.length - bottom.length);
    expect(bottom.map(([, dir]) => dir)).toEqual(tail.map(([dir]) => dir));
    expect(bottom.length).toBeGreaterThan(10);
    expect(bottom.map(([, , method], i) => (tail[i][1] ? method : '')).filter(Boolean)).toEqual(tail.map(([, method]) => method).filter(Boolean));
    // Row numbers only grow down the list.
    for (const rows of [top, bottom]) for (let i = 1; i < rows.length; i++) expect(rows[i][0]).toBeGreaterThan(rows[i - 1][0]);

    // The call box sends any method; the turn box starts a turn on the active thread.
    await page.fill('input[aria-label="method"]', 'thread/list');
    await page.fill('input[aria-label="params"]', '{"limit": 5}');
    await page.click('.call-form button[type="submit"]');
    await page.locator('.outcome.ok', { hasText: '"data"' }).waitFor();
    await page.fill('input[aria-label="turn text"]', 'and once more');
    await page.click('.turn-form button[type="submit"]');
    await page.locator('.outcome.ok', { hasText: /turn \S+ started on thread/ }).waitFor();
    await page.locator('.rows .row[data-method="turn/completed"]').nth(1).waitFor();

    await page.click('nav >> text=Conversation');
    await page.locator('.item-agent', { hasText: 'A second turn, started from the page.' }).waitFor();
    await page.locator('.turn .item-command', { hasText: 'made-by-a-click.txt' }).waitFor();
    await page.locator('.turn .badge.status-completed').first().waitFor();
    await browser.screenshot('live-conversation');

    // exec holds the session while the page is open; closing the page lets it exit with the turn's code.
    expect(running.child.exitCode).toBe(null);
    await page.goto('about:blank');
    expect(await running.exited).toBe(0);
    expect(running.stderr()).toMatch(/stays at .* until its page is closed/);
  });

  test('a recording opens with view, and its search finds a method', async () => {
    expect(recording && existsSync(recording)).toBeTruthy();
    const messages = readFileSync(recording, 'utf8').split('\n').filter((line) => line.includes('"method":"turn/completed"'));
    expect(messages.length).toBe(2);
    running = startCli(['view', recording], { cwd: tempDir('view'), env: process.env });
    const { page } = browser;
    const url = new URL(await running.url);
    // Without the token (localhost gets no cookie of 127.0.0.1's), the browser is refused.
    const refused = await page.goto(`http://localhost:${url.port}/`);
    expect(refused?.status()).toBe(401);
    await expect(page.textContent('body')).resolves.toMatch(/no valid token/);
    await browser.screenshot('refused-without-token');
    // A DNS-rebinding site (a foreign name resolving to 127.0.0.1) is refused by its Host, even with the token.
    const rebound = await page.goto(`http://${REBOUND_HOST}:${url.port}/${url.search}`);
    expect(rebound?.status()).toBe(403);
    await expect(page.textContent('body')).resolves.toMatch(/Host "rebind\.test:\d+" is not this inspector's address/);
    // A page of another origin (another local web server) that knows the whole address, token included,
    // posts an answer (cross-site request forgery): the Origin its browser sends is refused. The browser
    // hides that response from the page, so its status is read from the browser's network log.
    const elsewhere = createServer((_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>another site</p>'));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const network = await browser.context.newCDPSession(page);
    try {
      const foreignOrigin = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
      await page.goto(`${foreignOrigin}/`);
      await network.send('Network.enable');
      const statuses = new Map<string, number>();
      let answerRequest: string | undefined;
      network.on('Network.requestWillBeSent', (event) => {
        if (event.request.url.startsWith(`${url.origin}/api/answer`)) answerRequest = event.requestId;
      });
      network.on('Network.responseReceivedExtraInfo', (event) => statuses.set(event.requestId, event.statusCode));
      const read = await page.evaluate(
        (address) =>
          fetch(address, { method: 'POST', mode: 'no-cors', credentials: 'include', body: JSON.stringify({ id: 1, result: { decision: 'accept' } }) }).then(
            (response) => response.type,
            (error) => String(error),
          ),
        `${url.origin}/api/answer${url.search}`,
      );
      expect(read).toMatch(/TypeError|opaque/); // the page learns nothing either way
      const status = await waitFor('the refusal in the network log', () => (answerRequest === undefined ? undefined : statuses.get(answerRequest)));
      // 403 is the address check's refusal (Origin, then Sec-Fetch-Site); past it this would get 415 (not JSON).
      expect(status).toBe(403);
    } finally {
      await network.detach();
      elsewhere.close();
    }
    await page.goto(url.href);
    await page.locator('[data-state="loaded"]').waitFor();
    await page.locator('.rows .row[data-n="0"]').waitFor();
    await browser.screenshot('recording-timeline');

    await page.fill('input[aria-label="search"]', 'method:turn/completed');
    await page.press('input[aria-label="search"]', 'Enter');
    await page.locator('.filters .matches', { hasText: /^2 rows$/ }).waitFor();
    const found = await paintedRows(page);
    expect(found.map(([, , method]) => method)).toEqual(['turn/completed', 'turn/completed']);
    await page.locator('.rows .row[data-method="turn/completed"]').first().click();
    await page.locator('.detail .json', { hasText: '"status"' }).waitFor();
    await browser.screenshot('recording-search');

    // Tokens combine: the command approval and its reply, by method part and latency.
    await page.fill('input[aria-label="search"]', 'method:requestApproval dur>0');
    await page.press('input[aria-label="search"]', 'Enter');
    // (The search before also found 2 rows: wait for these rows, not the count.)
    await page.locator('.rows .row[data-method="item/commandExecution/requestApproval"]').nth(1).waitFor();
    await expect(page.locator('.filters .matches').textContent()).resolves.toBe('2 rows');
    expect((await paintedRows(page)).map(([, dir]) => dir)).toEqual(['←', '→']);
  });
});

describe('--connect --ui', () => {
  test('a session attached over WebSocket shows in the page, and its approval is answered by a click', async () => {
    const shared = await sharedServer({ steps: [{ command: 'touch attached-by-a-click.txt' }, { text: 'Made it over WebSocket.' }] }, 'ws://127.0.0.1:0');
    try {
      running = startCli(['exec', 'make the file', '--connect', shared.url, '--ui', '--approval-policy', 'untrusted', '--sandbox', 'workspace-write', '--handler-timeout', '60000'], {
        cwd: shared.world.workdir,
        env: { ...process.env, NO_COLOR: '1' },
      });
      const { page } = browser;
      await page.goto(await running.url);
      await expect(page.locator('.title').textContent()).resolves.toBe(`live: ${shared.url}`);
      const card = page.locator('.card[data-method="item/commandExecution/requestApproval"]');
      await card.waitFor();
      await card.locator('button[data-decision="accept"]').click();
      await page.locator('.row[data-method="turn/completed"]').waitFor();
      expect(existsSync(join(shared.world.workdir, 'attached-by-a-click.txt'))).toBe(true);
      await browser.screenshot('connect-timeline');
      await page.goto('about:blank');
      expect(await running.exited).toBe(0);
    } finally {
      await shared.dispose();
    }
  });
});

describe('tap --ui', () => {
  test("a front end's session through the tap shows in the page; with --intercept an approval clicked there runs the command and the front end never sees it", async () => {
    world = await makeWorld({ steps: [{ command: 'touch tapped-by-a-click.txt' }, { text: 'Made it through the tap.' }] });
    const dir = tempDir('tap-ui');
    const log = join(dir, 'tap.log');
    const env = { ...world.env, CODEX_DBG_TAP_DIR: join(dir, 'taps'), NO_COLOR: '1' };
    const overrides = world.args.slice(2).filter((arg) => arg !== '-c').flatMap((kv) => ['--config', kv]);
    const tap = [CLI, 'tap', '--ui', '--intercept', '--handler-timeout', '60000', '--log', log, '--', CODEX, ...overrides, 'app-server'];
    // The front end would decline; the page's click is what answers.
    const frontEnd = runHandClient({ command: 'node', args: tap, env, cwd: world.workdir, decision: 'decline', prompt: 'make the file' });
    // The address with its token reaches the user through watch (a private socket), not through --log.
    running = startCli(['watch'], { cwd: dir, env });
    const url = await waitFor('watch to show the inspector', () => /its inspector: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(running?.stdout() ?? '')?.[1]);
    const logged = await waitFor('the log to name the inspector', () => (existsSync(log) && readFileSync(log, 'utf8').includes('inspector at') ? readFileSync(log, 'utf8') : undefined));
    expect(logged).toContain(`inspector at ${new URL(url).origin}/ (the address with its token: codex-dbg watch`);
    expect(logged).not.toContain('token=');

    const { page } = browser;
    await page.goto(url);
    await expect(page.locator('.title').textContent()).resolves.toMatch(/^live: tap: .*app-server$/);
    const card = page.locator('.card[data-method="item/commandExecution/requestApproval"]');
    await card.waitFor();
    await page.locator('.rows .row[data-method="initialize"]').first().waitFor({ state: 'attached' });
    // The tap only looks: no box to start turns or send methods.
    expect(await page.locator('.turn-form, .call-form').count()).toBe(0);
    await browser.screenshot('tap-approval');
    await card.locator('button[data-decision="accept"]').click();

    const run = await frontEnd;
    expect(run.turnStatus).toBe('completed');
    expect(run.messages.some((m) => m.method === 'item/commandExecution/requestApproval')).toBe(false);
    expect(existsSync(join(world.workdir, 'tapped-by-a-click.txt'))).toBe(true);
    // The tap's log saw the page's answer go to the server.
    expect(readFileSync(log, 'utf8')).toContain('↳ answered item/commandExecution/requestApproval: decision "accept"');
    await page.goto('about:blank');
  });
});

describe('--open', () => {
  test('hands the browser a private file that forwards to the tokened URL; the token is on no command line', async () => {
    const dir = tempDir('open');
    const seen = join(dir, 'seen.txt');
    const fakeBrowser = join(dir, 'browser.sh');
    writeFileSync(fakeBrowser, `#!/bin/sh\n{ echo "$@"; stat -c %a "$1"; cat "$1"; } > ${JSON.stringify(seen)}\n`);
    chmodSync(fakeBrowser, 0o755);
    const rec = join(dir, 'r.jsonl');
    writeFileSync(rec, `${JSON.stringify({ type: 'header', format: 'codex-dbg-recording', version: 1, startedAt: '2026-01-01T00:00:00Z', codexDbg: 'x', redacted: true })}\n`);
    running = startCli(['view', rec, '--open'], { cwd: dir, env: { ...process.env, BROWSER: fakeBrowser } });
    const url = await running.url;
    const [args, mode, ...html] = (await waitFor('the browser to be started', () => (existsSync(seen) && readFileSync(seen, 'utf8').includes('</a>') ? readFileSync(seen, 'utf8') : undefined))).split('\n');
    expect(args).not.toContain('token');
    expect(args).toMatch(/inspector\.html$/);
    expect(mode).toBe('600');
    expect(html.join('\n')).toContain(`url=${url.replace(/&/g, '&amp;')}`);
  });
});
