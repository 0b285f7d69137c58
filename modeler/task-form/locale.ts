/**
 * The date picker: form-js 1.23 builds its calendars with flatpickr and passes neither a locale nor
 * `disableMobile`, so flatpickr's defaults are the ones to change (before the first calendar).
 * `flatpickr` is a dependency of @bpmn-io/form-js-viewer; the bundle holds one copy of it.
 *
 * - Chinese month and weekday names, weeks from Monday.
 * - No native mobile input: on a phone's user agent flatpickr would hide form-js's date input and
 *   put an <input type="date"> beside it, which form-js 1.23 does not expect — its onClose hook then
 *   throws (`calendarContainer` is undefined), and the label and the error's aria-describedby point
 *   at the hidden input. form-js's own text input + calendar works on a phone.
 */
import flatpickr from 'flatpickr';

type Months = flatpickr.Locale['months']['longhand'];
const months = (): Months => ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'];

export function setUpDatePicker(): void {
  flatpickr.setDefaults({ disableMobile: true });
  flatpickr.localize({
    weekdays: {
      shorthand: ['日', '一', '二', '三', '四', '五', '六'],
      longhand: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
    },
    months: { shorthand: months(), longhand: months() },
    firstDayOfWeek: 1,
    rangeSeparator: ' 至 ',
    weekAbbreviation: '周',
    scrollTitle: '滚动切换',
    toggleTitle: '点击切换',
    yearAriaLabel: '年',
    monthAriaLabel: '月',
    hourAriaLabel: '时',
    minuteAriaLabel: '分',
    time_24hr: true,
  });
}
