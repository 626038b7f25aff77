import { useRef, useState } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { useAsync, useInterval } from '../../core/hooks';
import {
  formatAgo,
  formatBytes,
  formatDateTime,
  formatDuration,
  formatNumber,
  useLang,
  useT,
} from '../../core/i18n';
import { common } from '../../core/messages';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import type { RouteParams } from '../../routes';
import { Badge, Button, Empty, ErrorNotice, Field, Loading, PageHeader, Pager } from '../../ui/components';
import { Icon } from '../../ui/icons';
import { loudnessOf, repairFileName, STATUS_TONE, type MediaStatus } from './media-format';
import { MediaActions } from './MediaActions';
import { messages } from './messages';
import { OwnerSelect } from './OwnerSelect';
import { PreviewDialog } from './PreviewDialog';
import type { MediaAsset } from './types';
import { UploadPanel } from './UploadPanel';
import './media.css';

const PAGE_SIZE = 20;
const STATUS_KEY = {
  processing: 'statusProcessing',
  ready: 'statusReady',
  failed: 'statusFailed',
} as const;

/** The media library: search, upload with progress through transcoding, preview, rename, delete. */
export function MediaPage(_props: { params: RouteParams }) {
  const t = useT(messages);
  const tc = useT(common);
  const lang = useLang();
  const { can, me } = useSession();
  const loc = useLocation();
  const q = loc.query.get('q') ?? '';
  const status = (loc.query.get('status') ?? '') as MediaStatus | '';
  const page = Math.max(1, Number(loc.query.get('page')) || 1);
  const [search, setSearch] = useState(q);
  const [ownerId, setOwnerId] = useState<string | undefined>(undefined);
  const [preview, setPreview] = useState<MediaAsset | null>(null);
  const openPicker = useRef<(() => void) | null>(null);
  const mayWrite = can('media.write');

  const list = useAsync(
    (signal) =>
      api.get<Page<MediaAsset>>('/media', { q: q || undefined, status, page, pageSize: PAGE_SIZE }, signal),
    [q, status, page],
  );
  const items = list.data?.items ?? [];
  // Assets still transcoding (uploaded elsewhere, or recordings) move on by themselves.
  useInterval(list.reload, items.some((a) => a.status === 'processing') ? 3000 : null);

  /** An upload's new state: shown in the list at once (first page, newest first). */
  function onAsset(asset: MediaAsset) {
    list.set((prev) => {
      if (!prev) return prev as unknown as Page<MediaAsset>;
      const known = prev.items.some((a) => a.id === asset.id);
      if (known) return { ...prev, items: prev.items.map((a) => (a.id === asset.id ? asset : a)) };
      if (page !== 1 || status || q) return prev;
      return { ...prev, items: [asset, ...prev.items].slice(0, PAGE_SIZE), total: prev.total + 1 };
    });
  }

  return (
    <div class="media-page">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          mayWrite ? (
            <Button variant="primary" onClick={() => openPicker.current?.()}>
              <Icon name="music" /> {t('upload')}
            </Button>
          ) : null
        }
      />
      {mayWrite ? (
        <div class="card media-upload-card">
          {me.scope === null ? <OwnerSelect value={ownerId} onChange={setOwnerId} /> : null}
          <UploadPanel unitId={ownerId} onAsset={onAsset} pickerRef={openPicker} />
        </div>
      ) : null}

      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: search.trim() || null, page: null });
        }}
      >
        <Field label={t('searchLabel')}>
          {(attrs) => (
            <input
              {...attrs}
              type="search"
              value={search}
              placeholder={t('searchPlaceholder')}
              onInput={(e) => setSearch(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('statusLabel')}>
          {(attrs) => (
            <select
              {...attrs}
              value={status}
              onChange={(e) => setQuery({ status: e.currentTarget.value || null, page: null })}
            >
              <option value="">{t('statusAll')}</option>
              <option value="ready">{t('statusReady')}</option>
              <option value="processing">{t('statusProcessing')}</option>
              <option value="failed">{t('statusFailed')}</option>
            </select>
          )}
        </Field>
        <Button type="submit">{tc('search')}</Button>
      </form>

      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {!list.data && list.loading ? <Loading /> : null}
      {list.data && items.length === 0 ? (
        <Empty>{q || status ? t('emptySearch') : t('emptyLibrary')}</Empty>
      ) : null}
      {items.length > 0 ? (
        <div class="table-wrap">
          <table class="data media-table">
            <thead>
              <tr>
                <th scope="col">{t('colTitle')}</th>
                <th scope="col" class="num">
                  {t('colDuration')}
                </th>
                <th scope="col" class="num">
                  {t('colLoudness')}
                </th>
                <th scope="col" class="num">
                  {t('colSize')}
                </th>
                <th scope="col">{t('colStatus')}</th>
                <th scope="col">{t('colUploaded')}</th>
                <th scope="col">
                  <span class="sr-only">{t('colActions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((asset) => {
                const loud = loudnessOf(asset);
                return (
                  <tr key={asset.id} data-media-id={asset.id}>
                    <td class="media-title-cell">
                      <strong>{asset.title}</strong>
                      <small class="muted">
                        {asset.origin === 'live' ? t('fromLive') : repairFileName(asset.originalName ?? '')}
                        {!asset.editable ? ` · ${t('sharedBy', { unit: asset.unit.name })}` : ''}
                      </small>
                    </td>
                    <td class="num">{formatDuration(asset.durationMs / 1000)}</td>
                    <td class="num">
                      {loud.input === null ? '—' : t('lufs', { value: formatNumber(loud.input, 1, lang) })}
                    </td>
                    <td class="num">{formatBytes(asset.sourceSize, lang)}</td>
                    <td>
                      <Badge tone={STATUS_TONE[asset.status]} title={asset.failureReason ?? undefined}>
                        {asset.status === 'processing'
                          ? `${t('statusProcessing')} ${asset.progress} %`
                          : t(STATUS_KEY[asset.status])}
                      </Badge>
                    </td>
                    <td>
                      <span title={formatDateTime(asset.createdAt, lang)}>
                        {formatAgo(asset.createdAt, lang)}
                      </span>
                      <small class="muted media-by">{t('by', { name: asset.createdBy })}</small>
                    </td>
                    <td class="media-actions-cell">
                      <MediaActions
                        asset={asset}
                        mayWrite={mayWrite && asset.editable}
                        onPreview={() => setPreview(asset)}
                        onChanged={(next) => onAsset(next)}
                        onDeleted={list.reload}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.data ? (
        <Pager
          page={page}
          pageSize={PAGE_SIZE}
          total={list.data.total}
          onPage={(p) => setQuery({ page: p === 1 ? null : p })}
        />
      ) : null}
      <PreviewDialog asset={preview} onClose={() => setPreview(null)} />
    </div>
  );
}
