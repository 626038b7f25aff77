/*
 * Transcoding benchmark (issue 5, measure c): `npm run bench:transcode -- [--minutes 60] [--runs 3]`.
 *
 * Makes a speech-like stereo 48 kHz MP3 source once (kept in the system temporary folder), starts the server as
 * a child process, then alternates, round by round, (1) our pipeline end to end: upload through
 * POST /api/v1/media → the API shows `ready` (and the server's own job time, asset created → marked ready),
 * and (2) the bare ffmpeg command lines doing the same work with the same profile and the same binary:
 * loudnorm pass 1 (measure), then pass 2 (apply the measured gain, encode MP3 mono 44.1 kHz 64 kbit/s).
 * Prints the median of each, the throughput ratio bare ÷ ours, and whether the outputs match (SHA-256 and
 * EBU R128 loudness). Loopback only, bounded in time, stops by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cpuWithReapedChildren,
  ebur128,
  firstLine,
  hardLimit,
  intOption,
  machineLine,
  median,
  packagedFfmpeg,
  reapedChildrenCpuSeconds,
  runProgram,
  sha256File,
  speechSource,
  startBenchServer,
  type BenchServer,
  type UploadTiming,
  uploadUntilReady,
} from './media/common';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    runs: { type: 'string', default: '3' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('usage: npm run bench:transcode -- [--minutes 1..180] [--runs 1..10]');
  process.exit(0);
}
const MINUTES = intOption('minutes', args.minutes, 1, 180);
const RUNS = intOption('runs', args.runs, 1, 10);
// Generous: ~2 × 2 min per round for 60 minutes of audio on this 2-core machine, plus the source and checks.
const HARD_LIMIT_MS = (20 + RUNS * MINUTES * 0.2) * 60_000;

/** The profile and target of the server's defaults (MEDIA_PROFILES, LOUDNESS_TARGET_LUFS, …). */
const PROFILE = { bitrateKbps: 64, channels: 1, sampleRate: 44100 };
const TARGET = { i: -16, tp: -1, lra: 11 };
const f2 = (n: number) => n.toFixed(2);

interface BareRun {
  totalS: number;
  /** user + sys of both ffmpeg processes. */
  cpuS: number;
  pass1S: number;
  pass2S: number;
  output: string;
  measured: Record<string, string>;
}

/** The bare command lines, as an operator would type them: measure, then apply and encode. */
function pass1Args(source: string): string[] {
  const filter = `aformat=channel_layouts=mono,loudnorm=I=${f2(TARGET.i)}:TP=${f2(TARGET.tp)}:LRA=${f2(TARGET.lra)}:print_format=json`;
  return ['-nostdin', '-hide_banner', '-i', source, '-map', '0:a:0', '-af', filter, '-f', 'null', '-'];
}

/** Pass 2 with what pass 1 printed (`m`: its JSON, or placeholders to print the command). */
function pass2Args(source: string, m: Record<string, string>, output: string): string[] {
  const v = (key: string) => (Number.isFinite(Number(m[key])) ? f2(Number(m[key])) : m[key]);
  const filter =
    `aformat=channel_layouts=mono,loudnorm=I=${f2(TARGET.i)}:TP=${f2(TARGET.tp)}:LRA=${f2(TARGET.lra)}` +
    `:measured_I=${v('input_i')}:measured_TP=${v('input_tp')}:measured_LRA=${v('input_lra')}` +
    `:measured_thresh=${v('input_thresh')}:offset=${v('target_offset')}:linear=true:print_format=summary` +
    `,aresample=${PROFILE.sampleRate}`;
  return [
    ...['-nostdin', '-hide_banner', '-y', '-i', source, '-map', '0:a:0', '-vn', '-sn', '-dn'],
    ...['-map_metadata', '-1', '-af', filter, '-c:a', 'libmp3lame', '-b:a', `${PROFILE.bitrateKbps}k`],
    ...['-ac', String(PROFILE.channels), '-ar', String(PROFILE.sampleRate), '-f', 'mp3', output],
  ];
}

async function bare(ffmpeg: string, source: string, output: string): Promise<BareRun> {
  const cpu0 = reapedChildrenCpuSeconds();
  const p1 = await runProgram(ffmpeg, pass1Args(source));
  if (p1.code !== 0) throw new Error(`bare pass 1 failed: ${p1.stderr.slice(-1000)}`);
  const json = p1.stderr.slice(p1.stderr.lastIndexOf('{'), p1.stderr.lastIndexOf('}') + 1);
  const measured = JSON.parse(json) as Record<string, string>;
  const p2 = await runProgram(ffmpeg, pass2Args(source, measured, output));
  if (p2.code !== 0) throw new Error(`bare pass 2 failed: ${p2.stderr.slice(-1000)}`);
  const type = /Normalization Type:\s+(\w+)/.exec(p2.stderr)?.[1] ?? '?';
  measured.normalization_type = type;
  const cpuS = reapedChildrenCpuSeconds() - cpu0;
  return { totalS: p1.wallS + p2.wallS, cpuS, pass1S: p1.wallS, pass2S: p2.wallS, output, measured };
}

/**
 * Upload → ready, and the CPU the server spent on it: its own (HTTP, hashing, database) plus its ffmpeg and
 * ffprobe children's (reaped by the server, so counted in its cutime/cstime).
 */
async function ours(server: BenchServer, source: string): Promise<UploadTiming & { cpuS: number }> {
  const cpu0 = cpuWithReapedChildren(server.pid);
  const timing = await uploadUntilReady(server.baseUrl, server.unitId, source, HARD_LIMIT_MS);
  return { ...timing, cpuS: cpuWithReapedChildren(server.pid) - cpu0 };
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'loa-transcode-bench-'));
  let server: BenchServer | null = null;
  hardLimit(HARD_LIMIT_MS, () => rmSync(workDir, { recursive: true, force: true }));
  try {
    const binaries = packagedFfmpeg();
    console.log(`transcoding benchmark: ${MINUTES}-minute source, ${RUNS} rounds`);
    console.log(`machine: ${machineLine()}`);
    console.log(`ffmpeg: ${firstLine(binaries.ffmpeg, ['-version'])} (${binaries.ffmpeg})`);
    const source = await speechSource(binaries.ffmpeg, MINUTES);
    const sourceBytes = (await stat(source)).size;
    console.log(
      `source: ${source}, ${(sourceBytes / 1e6).toFixed(1)} MB, MP3 stereo 48 kHz 128 kbit/s, ${MINUTES} min`,
    );
    console.log(
      `profile: MP3 mono 44.1 kHz 64 kbit/s, loudnorm I=${TARGET.i} TP=${TARGET.tp} LRA=${TARGET.lra}, two passes`,
    );
    console.log(`bare pass 1: ffmpeg ${pass1Args('SOURCE').join(' ')}`);
    const placeholders = {
      input_i: '<input_i>',
      input_tp: '<input_tp>',
      input_lra: '<input_lra>',
      input_thresh: '<input_thresh>',
      target_offset: '<target_offset>',
    };
    console.log(`bare pass 2: ffmpeg ${pass2Args('SOURCE', placeholders, 'OUT.mp3').join(' ')}`);

    server = await startBenchServer(workDir, {
      FFMPEG_PATH: binaries.ffmpeg,
      FFPROBE_PATH: binaries.ffprobe,
      TRANSCODE_CONCURRENCY: '1',
      MEDIA_MAX_UPLOAD_MB: String(Math.max(200, Math.ceil(sourceBytes / 2 ** 20) + 10)),
    });

    const oursRuns: (UploadTiming & { cpuS: number })[] = [];
    const bareRuns: BareRun[] = [];
    for (let round = 1; round <= RUNS; round++) {
      // A B, then B A: a slow drift of the shared machine weighs on both sides alike.
      const order = round % 2 === 1 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
      for (const side of order) {
        if (side === 'ours') {
          const run = await ours(server, source);
          oursRuns.push(run);
          console.log(
            `round ${round} ours: ready after ${run.readyS.toFixed(1)} s (upload accepted ${run.acceptS.toFixed(1)} s, ` +
              `server job ${run.jobS.toFixed(1)} s, CPU ${run.cpuS.toFixed(1)} s); rendition ${run.asset.renditions[0]?.size} bytes, sha256 ${run.asset.renditions[0]?.sha256.slice(0, 16)}…`,
          );
        } else {
          const run = await bare(binaries.ffmpeg, source, join(workDir, `bare-${round}.mp3`));
          bareRuns.push(run);
          console.log(
            `round ${round} bare: ${run.totalS.toFixed(1)} s (CPU ${run.cpuS.toFixed(1)} s; pass 1 ${run.pass1S.toFixed(1)} s, pass 2 ${run.pass2S.toFixed(1)} s, ` +
              `${run.measured.normalization_type}); ${(await stat(run.output)).size} bytes, sha256 ${(await sha256File(run.output)).slice(0, 16)}…`,
          );
        }
      }
    }

    // Outputs: the last of each side, byte for byte and by loudness.
    const lastOurs = oursRuns.at(-1)!;
    const rendition = lastOurs.asset.renditions[0];
    const oursFile = join(workDir, 'ours.mp3');
    const res = await fetch(server.signer.url(rendition.id, Date.now() + 3600_000));
    if (res.status !== 200) throw new Error(`rendition download: HTTP ${res.status}`);
    await writeFile(oursFile, Buffer.from(await res.arrayBuffer()));
    const lastBare = bareRuns.at(-1)!;
    const bareSha = await sha256File(lastBare.output);
    const oursSha = await sha256File(oursFile);
    const oursHashes = new Set(oursRuns.map((r) => r.asset.renditions[0]?.sha256));
    const bareHashes = new Set(await Promise.all(bareRuns.map((r) => sha256File(r.output))));
    const loudOurs = await ebur128(binaries.ffmpeg, oursFile);
    const loudBare = oursSha === bareSha ? loudOurs : await ebur128(binaries.ffmpeg, lastBare.output);
    const sourceLoud = lastOurs.asset.loudness;

    const mediaS = MINUTES * 60;
    const oursReady = median(oursRuns.map((r) => r.readyS));
    const oursJob = median(oursRuns.map((r) => r.jobS));
    const oursAccept = median(oursRuns.map((r) => r.acceptS));
    const bareTotal = median(bareRuns.map((r) => r.totalS));
    const pairRatios = oursRuns.map((r, i) => bareRuns[i].totalS / r.readyS);
    const pairJobRatios = oursRuns.map((r, i) => bareRuns[i].totalS / r.jobS);
    const pairCpuRatios = oursRuns.map((r, i) => bareRuns[i].cpuS / r.cpuS);
    const rows: [string, string][] = [
      [
        'source',
        `${MINUTES} min speech-like, MP3 stereo 48 kHz 128 kbit/s, ${(sourceBytes / 1e6).toFixed(1)} MB`,
      ],
      ['rounds (ours, bare alternating)', String(RUNS)],
      [
        'ours: upload → ready, median (min–max)',
        `${oursReady.toFixed(1)} s (${Math.min(...oursRuns.map((r) => r.readyS)).toFixed(1)}–${Math.max(...oursRuns.map((r) => r.readyS)).toFixed(1)}), ${(mediaS / oursReady).toFixed(1)}× real time`,
      ],
      ['ours: upload accepted (transfer + probe + validation decode)', `${oursAccept.toFixed(1)} s`],
      [
        'ours: server job (created → ready), median',
        `${oursJob.toFixed(1)} s, ${(mediaS / oursJob).toFixed(1)}× real time`,
      ],
      [
        'bare ffmpeg: pass 1 + pass 2, median (min–max)',
        `${bareTotal.toFixed(1)} s (${Math.min(...bareRuns.map((r) => r.totalS)).toFixed(1)}–${Math.max(...bareRuns.map((r) => r.totalS)).toFixed(1)}), ${(mediaS / bareTotal).toFixed(1)}× real time`,
      ],
      [
        'bare: pass 1 / pass 2, median',
        `${median(bareRuns.map((r) => r.pass1S)).toFixed(1)} / ${median(bareRuns.map((r) => r.pass2S)).toFixed(1)} s`,
      ],
      [
        'throughput ratio bare ÷ ours, end to end (median of pairs)',
        `${median(pairRatios).toFixed(3)} (pairs ${pairRatios.map((r) => r.toFixed(3)).join(', ')})`,
      ],
      [
        'throughput ratio bare ÷ ours, server job only (median of pairs)',
        `${median(pairJobRatios).toFixed(3)} (pairs ${pairJobRatios.map((r) => r.toFixed(3)).join(', ')})`,
      ],
      [
        'CPU seconds ours (server + its ffmpeg/ffprobe) / bare, median',
        `${median(oursRuns.map((r) => r.cpuS)).toFixed(1)} / ${median(bareRuns.map((r) => r.cpuS)).toFixed(1)} s`,
      ],
      [
        'CPU ratio bare ÷ ours (median of pairs)',
        `${median(pairCpuRatios).toFixed(3)} (pairs ${pairCpuRatios.map((r) => r.toFixed(3)).join(', ')})`,
      ],
      [
        'source loudness (server pass 1 / bare pass 1)',
        `I ${sourceLoud?.inputI} / ${lastBare.measured.input_i} LUFS, TP ${sourceLoud?.inputTp} / ${lastBare.measured.input_tp} dBTP, LRA ${sourceLoud?.inputLra} / ${lastBare.measured.input_lra} LU`,
      ],
      ['bare pass 2 normalisation', lastBare.measured.normalization_type],
      [
        'outputs byte-identical (ours vs bare, last round)',
        `${oursSha === bareSha ? 'yes' : 'no'} (${oursSha.slice(0, 16)}… vs ${bareSha.slice(0, 16)}…); distinct outputs over all rounds: ours ${oursHashes.size}, bare ${bareHashes.size}`,
      ],
      [
        'output loudness ours (ebur128)',
        `I ${loudOurs.i} LUFS, true peak ${loudOurs.tp} dBTP, LRA ${loudOurs.lra} LU (target I ${TARGET.i}, TP ≤ ${TARGET.tp})`,
      ],
      [
        'output loudness bare (ebur128)',
        `I ${loudBare.i} LUFS, true peak ${loudBare.tp} dBTP, LRA ${loudBare.lra} LU`,
      ],
      [
        'rendition',
        `${rendition.size} bytes, ${rendition.channels} ch, ${rendition.sampleRate} Hz, ${rendition.bitrateKbps} kbit/s, ${(rendition.durationMs / 1000).toFixed(1)} s`,
      ],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log('\nresults');
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
    console.log(
      `\nJSON ${JSON.stringify({
        minutes: MINUTES,
        runs: RUNS,
        ours: oursRuns.map((r) => ({ readyS: r.readyS, acceptS: r.acceptS, jobS: r.jobS, cpuS: r.cpuS })),
        bare: bareRuns.map((r) => ({ totalS: r.totalS, cpuS: r.cpuS, pass1S: r.pass1S, pass2S: r.pass2S })),
        ratioCpu: median(pairCpuRatios),
        ratioEndToEnd: median(pairRatios),
        ratioJob: median(pairJobRatios),
        identical: oursSha === bareSha,
        loudness: { ours: loudOurs, bare: loudBare },
      })}`,
    );
  } finally {
    await server?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
