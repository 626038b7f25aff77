import { useState } from 'preact/hooks';
import { formatBytes, formatDateTime, formatDuration, formatNumber, useLang, useT } from '../../core/i18n';
import { Modal } from '../../ui/components';
import { loudnessOf, repairFileName } from './media-format';
import { messages } from './messages';
import { mediaFileUrl, type MediaAsset } from './types';

/** Listening to an asset as the loudspeakers will play it (its device rendition), with its details. */
export function PreviewDialog(props: { asset: MediaAsset | null; onClose: () => void }) {
  const t = useT(messages);
  const lang = useLang();
  const [failed, setFailed] = useState(false);
  const asset = props.asset;
  const loud = asset ? loudnessOf(asset) : null;
  const lufs = (v: number | null) => (v === null ? '—' : t('lufs', { value: formatNumber(v, 1, lang) }));
  return (
    <Modal
      open={asset !== null}
      title={asset ? t('listenTo', { title: asset.title }) : ''}
      onClose={() => {
        setFailed(false);
        props.onClose();
      }}
    >
      {asset ? (
        <div class="media-preview">
          {asset.status === 'ready' ? (
            <audio
              key={asset.id}
              class="media-player"
              controls
              preload="metadata"
              src={mediaFileUrl(asset.id)}
              aria-label={t('listenTo', { title: asset.title })}
              onError={() => setFailed(true)}
            />
          ) : (
            <p class="notice notice-info">{t('notReadyPreview')}</p>
          )}
          {failed ? (
            <p class="notice notice-bad" role="alert">
              {t('previewError')}
            </p>
          ) : null}
          <h3>{t('details')}</h3>
          <dl class="props">
            <dt>{t('colDuration')}</dt>
            <dd>{formatDuration(asset.durationMs / 1000)}</dd>
            <dt>{t('loudnessInput')}</dt>
            <dd>{lufs(loud!.input)}</dd>
            <dt>{t('loudnessTarget')}</dt>
            <dd>{asset.loudness && !asset.loudness.normalised ? t('notNormalised') : lufs(loud!.target)}</dd>
            <dt>{t('format')}</dt>
            <dd>
              {t('formatValue', {
                codec: asset.probe.codec.toUpperCase(),
                channels: asset.probe.channels,
                rate: formatNumber(asset.probe.sampleRate, 0, lang),
              })}
            </dd>
            {asset.originalName ? (
              <>
                <dt>{t('originalName')}</dt>
                <dd class="media-break">{repairFileName(asset.originalName)}</dd>
              </>
            ) : null}
            <dt>{t('colSize')}</dt>
            <dd>{formatBytes(asset.sourceSize, lang)}</dd>
            <dt>{t('colUploaded')}</dt>
            <dd>
              {formatDateTime(asset.createdAt, lang)} · {t('by', { name: asset.createdBy })}
            </dd>
            {asset.renditions.length > 0 ? (
              <>
                <dt>{t('renditions')}</dt>
                <dd>
                  {asset.renditions
                    .map(
                      (r) => `${r.codec.toUpperCase()} ${r.bitrateKbps} kbps · ${formatBytes(r.size, lang)}`,
                    )
                    .join('; ')}
                </dd>
              </>
            ) : null}
          </dl>
        </div>
      ) : null}
    </Modal>
  );
}
