import { useLang, useT } from '../../core/i18n';
import { Button, Field } from '../../ui/components';
import { messages } from './messages';
import { shiftDay } from './playlog-model';

/** One local day: a date field with previous / next day and today; no day after today. */
export function DayPicker(props: { value: string; today: string; onChange: (date: string) => void }) {
  const t = useT(messages);
  const lang = useLang();
  const { value, today } = props;
  const weekday = new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    weekday: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${value}T12:00:00Z`));
  const [y, m, d] = value.split('-');
  return (
    <div class="playlog-day">
      <Button variant="ghost" aria-label={t('prevDay')} onClick={() => props.onChange(shiftDay(value, -1))}>
        ‹ <span class="playlog-day-word">{t('prevDay')}</span>
      </Button>
      <Field label={t('day')}>
        {(attrs) => (
          <input
            {...attrs}
            type="date"
            value={value}
            max={today}
            required
            onChange={(e) => {
              const next = (e.target as HTMLInputElement).value;
              if (next) props.onChange(next);
            }}
          />
        )}
      </Field>
      <Button
        variant="ghost"
        aria-label={t('nextDay')}
        disabled={value >= today}
        onClick={() => props.onChange(shiftDay(value, 1))}
      >
        <span class="playlog-day-word">{t('nextDay')}</span> ›
      </Button>
      {value !== today ? (
        <Button variant="ghost" onClick={() => props.onChange(today)}>
          {t('today')}
        </Button>
      ) : null}
      <p class="playlog-day-name" aria-live="polite">
        {value === today ? `${t('today')} · ` : ''}
        {t('dayLabel', { weekday, date: `${d}/${m}/${y}` })}
      </p>
    </div>
  );
}
