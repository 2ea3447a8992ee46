export * from './types.js';
export { openCapture, openCaptureStream, type CaptureFile } from './open-capture.js';
export { readDatagrams } from './read-datagrams.js';
export { sniffFormat, type InputFormat } from './sniff-format.js';
export { stripLinkLayer } from './link-layer.js';
export { FragmentReassembler } from './ip-fragments.js';
