/**
 * Where the store's times come from (createdAt/updatedAt, event times, lease expiries):
 * injectable, so tests write rows with equal timestamps and expire leases without waiting.
 */
export type Clock = () => Date;
