// Reads a KTX2 file with ktx-parse (an independent reader) for the C# tests:
//   node ktx-read.mjs FILE OUTDIR  →  OUTDIR/summary.json and OUTDIR/levelN.bin (each level's bytes as ktx-parse gives them).
import { read } from 'ktx-parse';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [file, outDir] = process.argv.slice(2);
const ktx = read(new Uint8Array(readFileSync(file)));
const dfd = ktx.dataFormatDescriptor[0];
const summary = {
  vkFormat: ktx.vkFormat,
  typeSize: ktx.typeSize,
  pixelWidth: ktx.pixelWidth,
  pixelHeight: ktx.pixelHeight,
  pixelDepth: ktx.pixelDepth,
  layerCount: ktx.layerCount,
  faceCount: ktx.faceCount,
  levelCount: ktx.levels.length,
  supercompressionScheme: ktx.supercompressionScheme,
  keyValue: ktx.keyValue,
  dfd: {
    colorModel: dfd.colorModel, colorPrimaries: dfd.colorPrimaries, transferFunction: dfd.transferFunction,
    bytesPlane: Array.from(dfd.bytesPlane),
    samples: dfd.samples.map(s => ({ bitOffset: s.bitOffset, bitLength: s.bitLength, channelType: s.channelType, lower: s.sampleLower, upper: s.sampleUpper })),
  },
  levels: ktx.levels.map((l, i) => ({ byteLength: l.levelData.byteLength, uncompressedByteLength: l.uncompressedByteLength })),
};
ktx.levels.forEach((l, i) => writeFileSync(join(outDir, `level${i}.bin`), l.levelData));
writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 1));
