// The reply words every profile reads: the US list (FCC 24-24 and the CTIA Messaging Principles), the longest we know.
// No other country's law names words, so the other profiles honour these rather than fewer.

export const optOutKeywords: readonly string[] = ['STOP', 'END', 'CANCEL', 'UNSUBSCRIBE', 'QUIT', 'STOPALL', 'REVOKE', 'OPTOUT'];
export const optInKeywords: readonly string[] = ['START', 'UNSTOP'];
export const helpKeywords: readonly string[] = ['HELP', 'INFO'];
