// QUIC packet protection (RFC 9001, RFC 9369) over node:crypto: the public API of src/crypto.
export {
  CIPHER_SUITES,
  INITIAL_SUITE,
  cipherSuiteById,
  cipherSuiteByName,
  isSuiteSupported,
  supportedSuites,
  type AeadName,
  type CipherSuite,
  type HashName,
  type HeaderProtectionCipher,
} from './cipher-suites.js';
export { hkdfExpand, hkdfExpandLabel, hkdfExtract } from './hkdf.js';
export { protectionFor, type ProtectionLabels, type VersionLike, type VersionSecrets } from './version-secrets.js';
export { initialKeys, initialSecrets, type InitialSecrets } from './initial-secrets.js';
export { PacketKeys, nextGenerationSecret, packetKeys } from './packet-keys.js';
export {
  applyHeaderProtection,
  headerProtectionMask,
  removeHeaderProtection,
  unprotectedHeader,
  type SampleUnavailable,
  type UnprotectedHeader,
} from './header-protection.js';
export { AEAD_TAG_LENGTH, aeadNonce, openPayload, sealPayload } from './aead.js';
export { RETRY_TAG_LENGTH, retryIntegrityTag, retryPseudoPacket, verifyRetryIntegrity } from './retry-integrity.js';
export {
  KeyLog,
  SECRETS_TYPE_TLS_KEYLOG,
  mergeKeyLogs,
  parseDecryptionSecrets,
  parseKeyLog,
  type KeyLogProblem,
  type ParsedKeyLog,
  type TlsSecrets,
} from './keylog.js';
export { ConnectionKeys, type DecryptFailure, type OpenedPacket, type Sender } from './connection-keys.js';
