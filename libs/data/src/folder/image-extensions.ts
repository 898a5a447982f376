import { extname } from 'node:path';
import { IMAGE_EXTENSIONS } from '@ktlab/config';

export function hasImageExtension(fileName: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(fileName).toLowerCase());
}
