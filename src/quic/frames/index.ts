export type { Frame, FrameType, UnknownFrame } from './frame.js';
export { parseFrames, type ParsedFrames } from './parse-frames.js';
export { frameSummary, frameCodec } from './registry.js';
export { allowedIn } from './permissions.js';
export { frameToJson } from './frame-json.js';
export { transportErrorName } from './error-codes.js';
export { scaleAckDelay, type AckFrame } from './ack.js';
