/**
 * File extensions of the images a dataset folder holds (lower case, with the dot; matched case-insensitively): the
 * raster formats sharp (libvips) decodes in this install. BMP is not among them. libs/data decodes these; the API
 * counts them when a dataset is registered.
 */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);
