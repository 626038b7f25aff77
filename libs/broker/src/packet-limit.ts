/**
 * mqtt-packet has no packet-size limit, so a client could announce a 256 MB PUBLISH and make the broker
 * buffer it. This wraps a client's parser: as soon as the packet being read declares a length above the
 * limit, the connection is refused, so at most one socket chunk of such a packet is ever buffered.
 */
interface ParserLike {
  parse(buf: Buffer): number;
  packet?: { length: number };
}

export function limitPacketSize(parser: ParserLike, maxBytes: number, onOversize: () => void): void {
  const parse = parser.parse.bind(parser);
  let tripped = false;
  const tooLong = () => (parser.packet?.length ?? -1) > maxBytes;
  parser.parse = (buf: Buffer): number => {
    if (tripped) return 0;
    if (tooLong()) {
      tripped = true;
      onOversize();
      return 0;
    }
    const result = parse(buf);
    if (tooLong()) {
      tripped = true;
      onOversize();
    }
    return result;
  };
}
