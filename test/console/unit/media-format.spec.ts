import {
  assetProgress,
  loudnessOf,
  looksLikeAudio,
  pollDelayMs,
  repairFileName,
  titleFromFileName,
  uploadErrorKind,
  uploadLimitMiB,
  uploadPercent,
} from '../../../apps/console/src/pages/media/media-format';

describe('console media library: pure helpers', () => {
  it('lets audio through and stops obvious non-audio before sending it', () => {
    expect(looksLikeAudio('ban-tin.mp3', 'audio/mpeg')).toBe(true);
    expect(looksLikeAudio('ghi-am.m4a', '')).toBe(true);
    expect(looksLikeAudio('ghi-am.WEBM', 'video/webm')).toBe(true);
    expect(looksLikeAudio('giong-noi.amr', 'application/octet-stream')).toBe(true);
    expect(looksLikeAudio('anh.png', 'image/png')).toBe(false);
    expect(looksLikeAudio('van-ban.txt', 'text/plain')).toBe(false);
    expect(looksLikeAudio('quyet-dinh.pdf', 'application/pdf')).toBe(false);
    expect(looksLikeAudio('bang-tinh.xlsx', '')).toBe(false);
  });

  it('names an upload as the server will: the file name without its extension', () => {
    expect(titleFromFileName('Bản tin sáng.mp3')).toBe('Bản tin sáng');
    expect(titleFromFileName('thong.bao.hop.wav')).toBe('thong.bao.hop');
    expect(titleFromFileName('.mp3')).toBe('.mp3');
  });

  it('never shows 100 % before the server answered, and follows transcoding', () => {
    expect(uploadPercent(0, 0)).toBe(0);
    expect(uploadPercent(50, 200)).toBe(25);
    expect(uploadPercent(200, 200)).toBe(99);
    expect(assetProgress({ status: 'processing', progress: 45.4 })).toEqual({
      phase: 'transcoding',
      percent: 45,
    });
    expect(assetProgress({ status: 'ready', progress: 100 })).toEqual({ phase: 'ready', percent: 100 });
    expect(assetProgress({ status: 'failed', progress: 30 })).toEqual({ phase: 'failed', percent: 0 });
  });

  it('explains refusals by status and reads the limit out of the server message', () => {
    expect(uploadErrorKind(413)).toBe('tooLarge');
    expect(uploadErrorKind(422)).toBe('notAudio');
    expect(uploadErrorKind(415)).toBe('notAudio');
    expect(uploadErrorKind(400)).toBe('invalid');
    expect(uploadErrorKind(0)).toBe('network');
    expect(uploadErrorKind(401)).toBe('sessionEnded');
    expect(uploadErrorKind(403)).toBe('forbidden');
    expect(uploadErrorKind(500)).toBe('other');
    expect(uploadLimitMiB('file is larger than the limit of 200 MiB (MEDIA_MAX_UPLOAD_MB)')).toBe(200);
    expect(uploadLimitMiB('file is larger than the limit of 1572864 bytes (MEDIA_MAX_UPLOAD_MB)')).toBe(1.5);
    expect(uploadLimitMiB('something else')).toBeNull();
  });

  it('rounds loudness to a tenth and says when there is none', () => {
    expect(loudnessOf({ loudness: null })).toEqual({ input: null, target: null, normalised: false });
    expect(loudnessOf({ loudness: { inputI: -23.456, targetI: -16, normalised: true } })).toEqual({
      input: -23.5,
      target: -16,
      normalised: true,
    });
    expect(loudnessOf({ loudness: { inputI: null, targetI: -16, normalised: false } }).input).toBeNull();
  });

  it('polls quickly at first, then every 2 s', () => {
    expect(pollDelayMs(0)).toBe(400);
    expect(pollDelayMs(3)).toBe(1000);
    expect(pollDelayMs(50)).toBe(2000);
  });

  it('repairs a UTF-8 file name read as Latin-1, and leaves every other name alone', () => {
    const sent = 'Bản tin sáng.mp3';
    expect(repairFileName(Buffer.from(sent, 'utf8').toString('latin1'))).toBe(sent);
    expect(repairFileName(sent)).toBe(sent);
    expect(repairFileName('café.mp3')).toBe('café.mp3');
    expect(repairFileName('notice.mp3')).toBe('notice.mp3');
  });
});
