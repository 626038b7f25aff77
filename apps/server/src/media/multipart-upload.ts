import { PayloadTooLargeException, UnsupportedMediaTypeException, type HttpException } from '@nestjs/common';
import busboy from 'busboy';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { validationFailed, type FieldError } from '../common/validation';
import { SNIFF_BYTES } from './audio-sniff';

/** The file of an upload, on local disk, with what was learnt while it streamed past. */
export interface ReceivedFile {
  path: string;
  size: number;
  sha256: string;
  /** The first bytes, for sniffing. */
  head: Buffer;
  /** The client's file name, if it gave one. */
  filename: string | null;
}

export interface ReceivedUpload {
  file: ReceivedFile;
  fields: Record<string, string>;
}

export interface UploadLimits {
  /** Folder for the file while it arrives (the media dir, so moving it into storage is a rename). */
  tmpDir: string;
  maxBytes: number;
  /** Name of the file field. */
  fileField: string;
  /** Text fields accepted besides the file. */
  textFields: readonly string[];
}

/** Largest text field, bytes. */
const FIELD_BYTES = 4096;

/**
 * Reads a multipart/form-data request: one file streamed to a temporary file (hashing it on the way, never
 * held in memory) and a few text fields. On any refusal the temporary file is gone before this throws:
 * 415 (not multipart), 400 naming the field (no file, two files, unknown or oversized fields), 413 (too big).
 */
export async function receiveUpload(req: IncomingMessage, limits: UploadLimits): Promise<ReceivedUpload> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(type))
    throw fileError(
      new UnsupportedMediaTypeException({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `send multipart/form-data with the audio in the field "${limits.fileField}"${type ? `, not ${type.split(';')[0].trim()}` : ''}`,
      }),
      limits.fileField,
    );
  const declared = Number(req.headers['content-length']);
  // Clearly too big before a byte is read (the multipart framing adds far less than 1 MiB).
  if (Number.isFinite(declared) && declared > limits.maxBytes + 1_048_576) throw tooLarge(limits);

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers send file names as raw UTF-8 ("Bản tin.mp3"); busboy's default reads them as latin1.
      defParamCharset: 'utf8',
      limits: {
        fileSize: limits.maxBytes,
        fieldSize: FIELD_BYTES,
        fields: 20,
        parts: 40,
        fieldNameSize: 100,
      },
    });
  } catch (err) {
    throw validationFailed([
      {
        field: 'body',
        rule: 'multipart',
        message: `not a readable multipart body: ${(err as Error).message}`,
      },
    ]);
  }

  await mkdir(limits.tmpDir, { recursive: true });
  const errors: FieldError[] = [];
  const fields: Record<string, string> = {};
  let received: ReceivedFile | null = null;
  let writing: Promise<void> | null = null;
  let fileStream: Readable | null = null;
  let tooBig = false;
  let tmpPath: string | null = null;

  const done = new Promise<void>((resolvePromise, reject) => {
    parser.on('file', (name: string, stream: Readable, info: busboy.FileInfo) => {
      if (name !== limits.fileField) {
        errors.push({
          field: name,
          rule: 'unknownField',
          message: `unexpected file field "${name}": send the audio in the field "${limits.fileField}"`,
        });
        stream.resume();
        return;
      }
      if (tmpPath) {
        errors.push({ field: name, rule: 'singleFile', message: `send one file only in "${name}"` });
        stream.resume();
        return;
      }
      const path = join(limits.tmpDir, `upload-${randomUUID()}`);
      tmpPath = path;
      fileStream = stream;
      const hash = createHash('sha256');
      let head = Buffer.alloc(0);
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          size += chunk.length;
          if (head.length < SNIFF_BYTES)
            head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
          callback(null, chunk);
        },
      });
      stream.on('limit', () => {
        tooBig = true;
      });
      writing = pipeline(stream, tap, createWriteStream(path)).then(() => {
        received = {
          path,
          size,
          sha256: hash.digest('hex'),
          head,
          filename: info.filename ? info.filename.slice(0, 255) : null,
        };
      });
      // A failed write (disk full) fails the upload; the error is surfaced by awaiting `writing` below.
      writing.catch(() => undefined);
    });
    parser.on('field', (name: string, value: string, info: busboy.FieldInfo) => {
      if (!limits.textFields.includes(name)) {
        errors.push({
          field: name,
          rule: 'whitelistValidation',
          message: `property ${name} should not exist (accepted: ${[limits.fileField, ...limits.textFields].join(', ')})`,
        });
      } else if (info.valueTruncated) {
        errors.push({
          field: name,
          rule: 'maxLength',
          message: `${name} is longer than ${FIELD_BYTES} bytes`,
        });
      } else if (name in fields) {
        errors.push({ field: name, rule: 'single', message: `${name} is given twice` });
      } else {
        fields[name] = value;
      }
    });
    const overflow = (what: string) => () =>
      errors.push({ field: 'body', rule: 'multipart', message: `the form has too many ${what}` });
    parser.on('partsLimit', overflow('parts'));
    parser.on('fieldsLimit', overflow('fields'));
    parser.on('close', () => resolvePromise());
    parser.on('error', (err: Error) => reject(err));
    const aborted = () => reject(new Error('the client aborted the upload'));
    req.on('aborted', aborted);
    req.on('error', aborted);
    req.on('close', () => {
      if (!req.complete) aborted();
    });
  });
  req.pipe(parser);

  try {
    await done;
    await writing;
  } catch (err) {
    req.unpipe(parser);
    req.resume();
    // Let the file write settle first, so it cannot create the file again after it is deleted.
    (fileStream as Readable | null)?.destroy();
    await (writing as Promise<void> | null)?.catch(() => undefined);
    await discard(tmpPath);
    if (err instanceof Error && /Unexpected end of form|Malformed/i.test(err.message))
      throw validationFailed([
        {
          field: 'body',
          rule: 'multipart',
          message: `the multipart body is incomplete or malformed (${err.message})`,
        },
      ]);
    throw err;
  }
  if (tooBig) {
    await discard(tmpPath);
    throw tooLarge(limits);
  }
  const file = received as ReceivedFile | null;
  if (!file && !errors.some((e) => e.field === limits.fileField))
    errors.unshift({
      field: limits.fileField,
      rule: 'required',
      message: `${limits.fileField} is required: send the audio as a file in the field "${limits.fileField}"`,
    });
  if (errors.length > 0 || !file) {
    await discard(tmpPath);
    throw validationFailed(errors);
  }
  return { file, fields };
}

/** Deletes a temporary file, if there is one. */
export async function discard(path: string | null): Promise<void> {
  if (path) await rm(path, { force: true });
}

function tooLarge(limits: UploadLimits): HttpException {
  const mib = limits.maxBytes / 1_048_576;
  return fileError(
    new PayloadTooLargeException({
      statusCode: 413,
      error: 'Payload Too Large',
      message: `${limits.fileField} is larger than the limit of ${Number.isInteger(mib) ? `${mib} MiB` : `${limits.maxBytes} bytes`} (MEDIA_MAX_UPLOAD_MB)`,
    }),
    limits.fileField,
  );
}

/** Adds `errors: [{field}]` to a refusal, so every answer names the field at fault. */
function fileError<E extends HttpException>(error: E, field: string): E {
  const body = error.getResponse() as Record<string, unknown>;
  body.errors = [{ field, rule: error.getStatus() === 413 ? 'maxSize' : 'multipart', message: body.message }];
  return error;
}
