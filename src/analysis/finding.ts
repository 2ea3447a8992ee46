/**
 * An audit result: something in the traffic that breaks a rule or deserves a look. Codes
 * are snake_case and documented in docs/findings.md.
 */
export interface Finding {
  severity: 'error' | 'warning' | 'info';
  code: string;
  connection: number;
  /** the record where it shows, when there is one */
  frame?: number;
  message: string;
}
