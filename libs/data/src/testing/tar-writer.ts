/** Builds a ustar archive in memory (test fixture only): regular files, optional pax path records. */
export function tarArchive(entries: { name: string; data: Uint8Array; pax?: boolean; type?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  const header = (name: string, size: number, type: string) => {
    const block = Buffer.alloc(512);
    block.write(name.slice(0, 100), 0, 'utf8');
    block.write('0000644\0', 100, 'ascii');
    block.write('0000000\0', 108, 'ascii');
    block.write('0000000\0', 116, 'ascii');
    block.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
    block.write('00000000000\0', 136, 'ascii');
    block.write(type, 156, 'ascii');
    block.write('ustar\0', 257, 'ascii');
    block.write('00', 263, 'ascii');
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of block) sum += byte;
    block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
    return block;
  };
  const pad = (data: Uint8Array) => Buffer.concat([Buffer.from(data), Buffer.alloc((512 - (data.length % 512)) % 512)]);
  for (const entry of entries) {
    if (entry.pax) {
      const body = (length: number) => `${length} path=${entry.name}\n`;
      let length = body(0).length;
      while (body(length).length !== length) length = body(length).length;
      const record = Buffer.from(body(length));
      blocks.push(header('PaxHeader', record.length, 'x'), pad(record));
    }
    blocks.push(header(entry.pax ? 'placeholder' : entry.name, entry.data.length, entry.type ?? '0'), pad(entry.data));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
