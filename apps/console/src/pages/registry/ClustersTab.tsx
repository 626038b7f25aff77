import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../../core/api';
import { useAsync } from '../../core/hooks';
import { useLang, useT } from '../../core/i18n';
import { common } from '../../core/messages';
import { setQuery, useLocation } from '../../core/router';
import { useSession } from '../../core/session';
import {
  Badge,
  Button,
  Empty,
  ErrorNotice,
  Field,
  Link,
  Loading,
  Modal,
  Pager,
  toast,
  toastError,
} from '../../ui/components';
import { UnitSelect } from '../alerts/UnitSelect';
import { ClusterForm } from './ClusterForm';
import { CredentialDialog } from './CredentialDialog';
import { ImportDialog } from './ImportDialog';
import { messages } from './messages';
import {
  KIND_WORDS,
  KINDS,
  LIFECYCLE_TONE,
  LIFECYCLE_WORDS,
  LIFECYCLES,
  type Cluster,
  type Credential,
} from './registry-model';

const PAGE_SIZE = 50;

/** The clusters of my area: search, register one, import many, change one, give an IP cluster a password. */
export function ClustersTab() {
  const t = useT(messages);
  const c = useT(common);
  const lang = useLang();
  const { can } = useSession();
  const mayRotate = can('clusters.credentials');
  const loc = useLocation();
  const q = loc.query.get('q') ?? '';
  const kind = loc.query.get('kind') ?? '';
  const lifecycle = loc.query.get('lifecycle') ?? '';
  const unit = loc.query.get('unit') ?? undefined;
  const page = Math.max(1, Number(loc.query.get('page')) || 1);
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);

  const list = useAsync(
    (signal) =>
      api.get<Page<Cluster>>(
        '/clusters',
        { q: q || undefined, kind, lifecycle, unitId: unit, page, pageSize: PAGE_SIZE, sort: 'code' },
        signal,
      ),
    [q, kind, lifecycle, unit, page],
  );

  const [form, setForm] = useState<{ cluster: Cluster | null } | null>(null);
  const [importing, setImporting] = useState(false);
  const [shown, setShown] = useState<{
    code: string;
    name: string;
    credential: Credential;
    rotated: boolean;
  } | null>(null);
  const [rotating, setRotating] = useState<Cluster | null>(null);
  const [rotateBusy, setRotateBusy] = useState(false);
  const [removing, setRemoving] = useState<Cluster | null>(null);
  const [removeBusy, setRemoveBusy] = useState(false);

  // Only a planned cluster can be deleted (a registration by mistake); others are decommissioned instead.
  const remove = async () => {
    if (!removing) return;
    setRemoveBusy(true);
    try {
      await api.delete(`/clusters/${removing.id}`);
      toast(t('clusterDeleted', { name: removing.name }));
      setRemoving(null);
      list.reload();
    } catch (err) {
      toastError(err);
    } finally {
      setRemoveBusy(false);
    }
  };

  const rotate = async () => {
    if (!rotating) return;
    setRotateBusy(true);
    try {
      const res = await api.post<{ credential: Credential }>(`/clusters/${rotating.id}/credential/rotate`);
      setShown({ code: rotating.code, name: rotating.name, credential: res.credential, rotated: true });
      setRotating(null);
    } catch (err) {
      toastError(err);
    } finally {
      setRotateBusy(false);
    }
  };

  const filtered = !!(q || kind || lifecycle || unit);
  return (
    <section aria-labelledby="registry-clusters-title">
      <div class="registry-toolbar">
        <h2 id="registry-clusters-title">{t('clustersTitle')}</h2>
        <div class="row">
          <Button variant="secondary" onClick={() => setImporting(true)}>
            {t('importOpen')}
          </Button>
          <Button variant="primary" onClick={() => setForm({ cluster: null })}>
            {t('newCluster')}
          </Button>
        </div>
      </div>

      <form
        class="filters"
        role="search"
        aria-label={t('clusterFilters')}
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: search.trim() || null, page: null });
        }}
      >
        <Field label={t('searchClusters')}>
          {(attrs) => (
            <input
              {...attrs}
              type="search"
              value={search}
              placeholder={t('searchPlaceholder')}
              onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
              onBlur={() => search.trim() !== q && setQuery({ q: search.trim() || null, page: null })}
            />
          )}
        </Field>
        <Field label={t('kind')}>
          {(attrs) => (
            <select
              {...attrs}
              value={kind}
              onChange={(e) => setQuery({ kind: (e.target as HTMLSelectElement).value, page: null })}
            >
              <option value="">{c('all')}</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_WORDS[k][lang]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('lifecycle')}>
          {(attrs) => (
            <select
              {...attrs}
              value={lifecycle}
              onChange={(e) => setQuery({ lifecycle: (e.target as HTMLSelectElement).value, page: null })}
            >
              <option value="">{c('all')}</option>
              {LIFECYCLES.map((l) => (
                <option key={l} value={l}>
                  {LIFECYCLE_WORDS[l][lang]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <UnitSelect value={unit} deepest="village" onChange={(id) => setQuery({ unit: id, page: null })} />
        <Button type="submit" variant="secondary">
          {c('search')}
        </Button>
        {filtered ? (
          <Button
            variant="ghost"
            onClick={() => setQuery({ q: null, kind: null, lifecycle: null, unit: null, page: null })}
          >
            {t('clearFilters')}
          </Button>
        ) : null}
      </form>

      {list.error ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {list.loading && !list.data ? <Loading /> : null}
      {list.data ? (
        list.data.items.length === 0 ? (
          <Empty>{filtered ? t('noClustersFiltered') : t('noClusters')}</Empty>
        ) : (
          <>
            <p class="muted">{t('clustersTotal', { n: list.data.total })}</p>
            <div class="table-wrap">
              <table class="data registry-table">
                <thead>
                  <tr>
                    <th scope="col">{t('code')}</th>
                    <th scope="col">{t('name')}</th>
                    <th scope="col">{t('kind')}</th>
                    <th scope="col">{t('place')}</th>
                    <th scope="col">{t('lifecycle')}</th>
                    <th scope="col">{t('connection')}</th>
                    <th scope="col">
                      <span class="sr-only">{t('actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((cl) => (
                    <tr key={cl.id}>
                      <td class="registry-mono">{cl.code}</td>
                      <td>
                        <Link href={`/fleet/${cl.id}`}>{cl.name}</Link>
                      </td>
                      <td>{KIND_WORDS[cl.kind]?.[lang] ?? cl.kind}</td>
                      <td>
                        {cl.commune?.name ?? '—'}
                        {cl.village ? <small class="muted registry-sub">{cl.village.name}</small> : null}
                      </td>
                      <td>
                        <Badge tone={LIFECYCLE_TONE[cl.lifecycle]}>
                          {LIFECYCLE_WORDS[cl.lifecycle]?.[lang]}
                        </Badge>
                      </td>
                      <td>
                        {cl.kind === 'ip' ? (
                          <Badge tone={cl.online ? 'ok' : 'muted'}>
                            {cl.online ? c('online') : c('offline')}
                          </Badge>
                        ) : cl.ipConnected ? (
                          <Badge tone="info">{t('fmConnected')}</Badge>
                        ) : (
                          <span class="muted">{t('fmNotConnected')}</span>
                        )}
                      </td>
                      <td class="registry-actions">
                        <Button
                          variant="ghost"
                          aria-label={`${c('edit')} ${cl.name}`}
                          onClick={() => setForm({ cluster: cl })}
                        >
                          {c('edit')}
                        </Button>
                        {mayRotate &&
                        cl.kind === 'ip' &&
                        cl.lifecycle !== 'replaced' &&
                        cl.lifecycle !== 'decommissioned' ? (
                          <Button
                            variant="ghost"
                            aria-label={`${t('rotate')}: ${cl.name}`}
                            onClick={() => setRotating(cl)}
                          >
                            {t('rotate')}
                          </Button>
                        ) : null}
                        {cl.lifecycle === 'planned' ? (
                          <Button
                            variant="ghost"
                            aria-label={`${c('delete')} ${cl.name}`}
                            onClick={() => setRemoving(cl)}
                          >
                            {c('delete')}
                          </Button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              page={page}
              pageSize={PAGE_SIZE}
              total={list.data.total}
              onPage={(p) => setQuery({ page: p === 1 ? null : p })}
            />
          </>
        )
      ) : null}

      <ClusterForm
        open={!!form}
        cluster={form?.cluster ?? null}
        onClose={() => setForm(null)}
        onSaved={(saved) => {
          setForm(null);
          list.reload();
          if (saved.credential)
            setShown({
              code: saved.cluster.code,
              name: saved.cluster.name,
              credential: saved.credential,
              rotated: false,
            });
        }}
      />
      <ImportDialog open={importing} onClose={() => setImporting(false)} onImported={list.reload} />
      <CredentialDialog shown={shown} onClose={() => setShown(null)} />
      <Modal
        open={!!rotating}
        title={t('rotateTitle')}
        onClose={() => setRotating(null)}
        footer={
          <>
            <Button variant="ghost" onClick={() => setRotating(null)}>
              {c('cancel')}
            </Button>
            <Button variant="primary" busy={rotateBusy} onClick={rotate}>
              {t('rotateConfirm')}
            </Button>
          </>
        }
      >
        {rotating ? (
          <>
            <p>
              <strong>{rotating.name}</strong> · {rotating.code}
            </p>
            <p>{t('rotateIntro')}</p>
          </>
        ) : null}
      </Modal>
      <Modal
        open={!!removing}
        title={t('deleteClusterTitle')}
        onClose={() => setRemoving(null)}
        footer={
          <>
            <Button variant="ghost" onClick={() => setRemoving(null)}>
              {c('cancel')}
            </Button>
            <Button variant="danger" busy={removeBusy} onClick={remove}>
              {c('delete')}
            </Button>
          </>
        }
      >
        <p>{removing ? t('deleteClusterIntro', { name: removing.name, code: removing.code }) : null}</p>
      </Modal>
    </section>
  );
}
