/** Bad input to the working-day calendar (a malformed date, a count that is not a whole number…): nothing was changed. */
export class CalendarInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarInputError';
  }
}
