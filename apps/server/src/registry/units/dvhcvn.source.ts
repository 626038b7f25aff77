import { Injectable } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

/**
 * The official pre-2025 administrative list (GSO catalogue of 01/03/2025, collected by daohoangson/dvhcvn),
 * kept gzipped in the repository. Read once, on the first import, and then held in memory.
 */
export const DVHCVN_FILE = 'libs/persistence/data/dvhcvn-2025-03.json.gz';
export const DVHCVN_DATE = '2025-03-01';

export interface OfficialUnit {
  code: string;
  name: string;
  type: string;
}
export interface OfficialDistrict extends OfficialUnit {
  communes: OfficialUnit[];
}
export interface OfficialProvince extends OfficialUnit {
  districts: OfficialDistrict[];
}

interface RawFile {
  data: {
    level1_id: string;
    name: string;
    type: string;
    level2s: {
      level2_id: string;
      name: string;
      type: string;
      level3s: { level3_id: string; name: string; type: string }[];
    }[];
  }[];
}

@Injectable()
export class DvhcvnSource {
  private provinces: Promise<Map<string, OfficialProvince>> | null = null;

  /** Finds the data file from the source tree (dev, tests) and from the build output (dist/, the image). */
  static locate(from: string = __dirname): string {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, DVHCVN_FILE);
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
    const fallback = join(process.cwd(), DVHCVN_FILE);
    if (existsSync(fallback)) return fallback;
    throw new Error(
      `administrative unit data not found: ${DVHCVN_FILE} (looked above ${from} and in the cwd)`,
    );
  }

  async province(code: string): Promise<OfficialProvince | undefined> {
    return (await this.load()).get(code);
  }

  async provinceCodes(): Promise<string[]> {
    return [...(await this.load()).keys()].sort();
  }

  private load(): Promise<Map<string, OfficialProvince>> {
    this.provinces ??= this.read().catch((err: unknown) => {
      this.provinces = null; // a failed read is retried next time
      throw err;
    });
    return this.provinces;
  }

  private async read(): Promise<Map<string, OfficialProvince>> {
    const raw = JSON.parse(
      (await promisify(gunzip)(await readFile(DvhcvnSource.locate()))).toString('utf8'),
    ) as RawFile;
    if (!Array.isArray(raw?.data)) throw new Error(`${DVHCVN_FILE}: unexpected shape (no data array)`);
    // The source has a few stray spaces ("Xã  Hoàng Văn Thụ", "Xã Bình Khánh "): names are stored cleaned.
    const nfc = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();
    const provinces = new Map<string, OfficialProvince>();
    for (const p of raw.data) {
      provinces.set(p.level1_id, {
        code: p.level1_id,
        name: nfc(p.name),
        type: nfc(p.type),
        districts: p.level2s.map((d) => ({
          code: d.level2_id,
          name: nfc(d.name),
          type: nfc(d.type),
          communes: d.level3s.map((c) => ({ code: c.level3_id, name: nfc(c.name), type: nfc(c.type) })),
        })),
      });
    }
    return provinces;
  }
}
