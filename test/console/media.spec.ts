import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { eventually, request } from '../support/http';
import { ffmpeg, tempDir } from '../media/support';
import { launchBrowser, openPage, signIn, startConsoleServer, type ConsoleServer } from './support/browser';

/** Every progress text the page shows while the test runs (a phase may last less than a poll). */
async function recordTexts(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const w = window as unknown as { __seen: string[] };
    w.__seen = [];
    const seen = () => {
      for (const el of Array.from(document.querySelectorAll(sel))) {
        const text = el.textContent ?? '';
        if (text && w.__seen[w.__seen.length - 1] !== text) w.__seen.push(text);
      }
    };
    new MutationObserver(seen).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  }, selector);
}

describe('console: media library (Chromium)', () => {
  let env: ConsoleServer;
  let browser: Browser;
  let dir: string;
  let operator: { username: string; password: string };
  beforeAll(async () => {
    // A 1 MiB limit: a "too large" upload is quick to make.
    [env, browser] = await Promise.all([
      startConsoleServer({ simFleet: 4, config: { mediaMaxUploadMb: 1 } }),
      launchBrowser(),
    ]);
    dir = await tempDir('console-media');
    operator = await env.createUser('commune_operator', env.commune.id);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('uploads a file with progress through transcoding, then shows its duration, loudness and a working preview', async () => {
    const wav = await ffmpeg(dir, 'Bản tin sáng.wav', [
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=4',
      '-af',
      'volume=-12dB',
      '-ac',
      '1',
      '-ar',
      '22050',
    ]);
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url('/library'));
    await page.getByRole('heading', { name: 'Thư viện âm thanh' }).waitFor();
    // The demo programme's chime is already there.
    await page.getByRole('row').filter({ hasText: 'Nhạc hiệu (demo)' }).waitFor();
    await recordTexts(page, '.media-progress-label, .media-upload-item .badge');

    await page.getByLabel('Tải tệp âm thanh lên').setInputFiles(wav);
    await page.getByText('Xong: sẵn sàng phát').waitFor();
    const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
    expect(seen.some((s) => /^Đang tải lên… \d+ %$/.test(s))).toBe(true);
    expect(seen.some((s) => /^Đang chuyển mã… \d+ %$/.test(s))).toBe(true);
    expect(seen[seen.length - 1]).toBe('Xong: sẵn sàng phát');

    // The row: title from the file name, duration, loudness in LUFS, ready.
    const row = page.getByRole('row').filter({ hasText: 'Bản tin sáng' });
    await row.getByText('Sẵn sàng').waitFor();
    await expect(row.textContent()).resolves.toMatch(/0:04/);
    await expect(row.textContent()).resolves.toMatch(/-\d+(,\d)? LUFS/);
    const asset = (
      await request<{ items: { id: string; title: string; loudness: { inputI: number } }[] }>(
        'GET',
        env.server.url('/api/v1/media'),
      )
    ).body.items.find((a) => a.title === 'Bản tin sáng');
    expect(asset).toBeDefined();

    // The preview plays the device rendition through the session cookie.
    await row.getByRole('button', { name: 'Nghe thử: Bản tin sáng' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nghe thử: Bản tin sáng' });
    await dialog.waitFor();
    await page.waitForFunction(() => {
      const audio = document.querySelector<HTMLAudioElement>('dialog[open] audio');
      return !!audio && audio.readyState >= 1 && audio.duration > 3.5;
    });
    await expect(
      page.evaluate(() => document.querySelector<HTMLAudioElement>('dialog[open] audio')!.currentSrc),
    ).resolves.toContain(`/api/v1/media/${asset!.id}/file`);
    await dialog.getByText('Độ to gốc').waitFor();
    await dialog.getByRole('button', { name: 'Đóng' }).click();

    await context.close();
    expect(errors).toEqual([]);
  });

  it('explains refused files in Vietnamese: not audio, too large', async () => {
    const fake = join(dir, 'khong-phai-am-thanh.mp3');
    await writeFile(fake, 'this is a text file, not audio\n'.repeat(200));
    const big = join(dir, 'qua-lon.wav');
    await writeFile(big, Buffer.alloc(1_200_000, 1));
    const photo = join(dir, 'anh.png');
    await writeFile(photo, Buffer.from('89504e470d0a1a0a', 'hex'));

    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url('/library'));
    const input = page.getByLabel('Tải tệp âm thanh lên');

    await input.setInputFiles(photo);
    await page.getByRole('alert').filter({ hasText: '“anh.png” không phải tệp âm thanh.' }).waitFor();

    await input.setInputFiles(fake);
    await page.getByRole('alert').filter({ hasText: 'Tệp này không phải âm thanh đọc được' }).waitFor();
    await input.setInputFiles(big);
    await page.getByRole('alert').filter({ hasText: 'Tệp quá lớn. Giới hạn là 1 MB.' }).waitFor();

    // The browser logs each refused request; those two are the only errors.
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => /status of (422|413)/.test(e))).toBe(true);
    errors.length = 0;
    await context.close();
    expect(errors).toEqual([]);
  });

  it('renames and deletes with confirmation; a viewer only lists and listens', async () => {
    const wav = await ffmpeg(dir, 'Thông báo họp.wav', [
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=660:duration=2',
      '-ac',
      '1',
      '-ar',
      '16000',
    ]);
    const { page, context, errors } = await openPage(browser);
    await signIn(page, env.server.url(''), operator.username, operator.password);
    await page.goto(env.server.url('/library'));
    await page.getByLabel('Tải tệp âm thanh lên').setInputFiles(wav);
    await page.getByText('Xong: sẵn sàng phát').waitFor();

    // Search keeps its filter in the URL.
    await page.getByLabel('Tìm theo tên').fill('họp');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await page.waitForURL(/q=h%E1%BB%8Dp|q=họp/);
    // The list reloads after the URL changes: wait for the other file to leave it.
    await page.getByRole('row').filter({ hasText: 'Bản tin sáng' }).first().waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: 'Thông báo họp' }).first().waitFor();

    await page.getByRole('button', { name: 'Đổi tên: Thông báo họp' }).click();
    const rename = page.getByRole('dialog', { name: 'Đổi tên tệp âm thanh' });
    await rename.getByLabel('Tên mới').fill('Thông báo họp thôn');
    await rename.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('row').filter({ hasText: 'Thông báo họp thôn' }).waitFor();

    await page.getByRole('button', { name: 'Xoá: Thông báo họp thôn' }).click();
    const confirm = page.getByRole('dialog', { name: 'Xoá tệp âm thanh?' });
    await confirm.getByText('Xoá vĩnh viễn “Thông báo họp thôn”? Không thể hoàn tác.').waitFor();
    await confirm.getByRole('button', { name: 'Xoá' }).click();
    await page.getByText('Không có tệp nào khớp với tìm kiếm.').waitFor();
    await eventually(async () => {
      const list = await request<{ items: { title: string }[] }>('GET', env.server.url('/api/v1/media'));
      return !list.body.items.some((a) => a.title.startsWith('Thông báo họp'));
    });
    await context.close();
    expect(errors).toEqual([]);

    const viewer = await env.createUser('viewer', env.commune.id);
    const v = await openPage(browser);
    await signIn(v.page, env.server.url(''), viewer.username, viewer.password);
    await v.page.goto(env.server.url('/library'));
    await v.page.getByRole('button', { name: 'Nghe thử: Bản tin sáng' }).waitFor();
    await expect(v.page.getByRole('button', { name: 'Tải tệp âm thanh lên' }).count()).resolves.toBe(0);
    await expect(v.page.getByRole('button', { name: /^Xoá/ }).count()).resolves.toBe(0);
    await v.context.close();
    expect(v.errors).toEqual([]);
  });

  it('lets an administrator without a scope choose the owning province, on a phone', async () => {
    const wav = await ffmpeg(dir, 'Tin tỉnh.wav', ['-f', 'lavfi', '-i', 'sine=frequency=550:duration=1']);
    const { page, context, errors } = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await signIn(page, env.server.url(''), env.admin.username, env.admin.password);
    await page.goto(env.server.url('/library'));
    const owner = page.getByRole('combobox', { name: 'Đơn vị sở hữu' });
    await owner.waitFor();
    await expect(owner.locator('option').first().textContent()).resolves.toMatch(/Lạng Sơn/);
    await page.getByLabel('Tải tệp âm thanh lên').setInputFiles(wav);
    await page.getByText('Xong: sẵn sàng phát').waitFor();
    await page.getByRole('row').filter({ hasText: 'Tin tỉnh' }).getByText('Sẵn sàng').waitFor();
    // The page never scrolls sideways on a phone: the table scrolls inside its frame.
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await context.close();
    expect(errors).toEqual([]);
  });
});
