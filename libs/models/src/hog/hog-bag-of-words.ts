/**
 * Bag-of-words HOG: given each block descriptor's visual word (its nearest centroid after clustering all
 * block descriptors, e.g. with libs/kmeans), one L1-normalised histogram of words per image.
 *
 * @param words the word of every block, image by image (count · blocksPerImage entries).
 */
export function hogBagOfWords(words: ArrayLike<number>, blocksPerImage: number, vocabularySize: number): Float32Array {
  if (!Number.isInteger(blocksPerImage) || blocksPerImage < 1) throw new Error(`hogBagOfWords: blocksPerImage must be a positive integer, got ${blocksPerImage}`);
  if (words.length % blocksPerImage !== 0) throw new Error(`hogBagOfWords: ${words.length} words is not a multiple of ${blocksPerImage} blocks per image`);
  const count = words.length / blocksPerImage;
  const histograms = new Float32Array(count * vocabularySize);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!Number.isInteger(word) || word < 0 || word >= vocabularySize) throw new Error(`hogBagOfWords: word ${word} at ${i} is outside 0…${vocabularySize - 1}`);
    histograms[Math.floor(i / blocksPerImage) * vocabularySize + word] += 1 / blocksPerImage;
  }
  return histograms;
}
