// hpack.js ships no types; this is the part we use: its HPACK string decoder.
declare module 'hpack.js' {
  interface Decoder {
    push(chunk: Buffer): void;
    decodeStr(): number[] | Buffer;
  }
  const hpack: { decoder: { create(): Decoder } };
  export default hpack;
}
