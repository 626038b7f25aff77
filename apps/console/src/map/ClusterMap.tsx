import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { config } from '../core/config';
import { useT, type Translate } from '../core/i18n';
import { navigate } from '../core/router';
import {
  CLUSTER_STATES,
  STATE_COLORS,
  countStates,
  hasPosition,
  type ClusterState,
  type MapCluster,
} from './cluster-state';
import { mapMessages } from './map-messages';
import outlinesUrl from './vn-provinces.geojson';
import './map.css';

export type { ClusterState, MapCluster } from './cluster-state';

export interface ClusterMapProps {
  clusters: MapCluster[];
  /** Ids drawn with a thick outline (e.g. a schedule's targets). */
  selected?: ReadonlySet<string>;
  /** Given: a click on a marker toggles it instead of opening its popup. */
  onToggle?: (id: string) => void;
  /** The popup's link; default: go to the cluster page. */
  onOpen?: (id: string) => void;
  height?: number | string;
  /** Hide the legend (a map of one cluster, whose state is said next to it). */
  legend?: boolean;
  /** The popup links to the cluster page (default); off where the map is on that page. */
  popupLink?: boolean;
  /** What the map shows, for screen readers (e.g. "Bản đồ cụm loa"). */
  label: string;
}

type MapKey = keyof (typeof mapMessages)['vi'];

/** The mainland and the archipelagos (the view before any cluster is placed). */
const VIETNAM: L.LatLngBoundsExpression = [
  [8.4, 102.1],
  [23.4, 114.5],
];
/** Tiles failing this many times before any loaded: assume no Internet and draw the outlines instead. */
const TILE_ERRORS_BEFORE_FALLBACK = 4;

const OUTLINE_STYLE: L.PathOptions = {
  color: '#7d8f9f',
  weight: 1,
  fillColor: '#f8fafb',
  fillOpacity: 1,
  interactive: false,
};

function markerStyle(state: ClusterState, selected: boolean): L.CircleMarkerOptions {
  return {
    radius: selected ? 8 : 6,
    fillColor: STATE_COLORS[state],
    fillOpacity: 0.95,
    color: selected ? '#0d1b2a' : '#ffffff',
    weight: selected ? 3 : 1.5,
  };
}

interface MarkerEntry {
  marker: L.CircleMarker;
  cluster: MapCluster;
  styleKey: string;
}

/**
 * Leaflet map of clusters as coloured dots on a canvas (a province has up to ~10 000). The base is the
 * configured tile server, or — with no tile URL or no Internet — built-in province outlines.
 */
export function ClusterMap(props: ClusterMapProps) {
  const t = useT(mapMessages);
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const groupRef = useRef<L.LayerGroup | null>(null);
  const rendererRef = useRef<L.Canvas | null>(null);
  const markers = useRef(new Map<string, MarkerEntry>());
  const fitted = useRef(false);
  const latest = useRef({ props, t });
  latest.current = { props, t };
  const [fallback, setFallback] = useState(!config.tileUrl);

  // Create the map once.
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const map = L.map(el, { minZoom: 4, maxZoom: 18, zoomSnap: 0.5, zoomControl: false });
    L.control
      .zoom({ zoomInTitle: latest.current.t('zoomIn'), zoomOutTitle: latest.current.t('zoomOut') })
      .addTo(map);
    // Province names only once a few provinces fill the view (at country scale they would overlap).
    const labels = () => el.classList.toggle('cluster-map-far', map.getZoom() < 7);
    map.on('zoomend', labels);
    map.fitBounds(VIETNAM);
    labels();
    map.createPane('outlines').style.zIndex = '250';
    mapRef.current = map;
    rendererRef.current = L.canvas({ padding: 0.5 });
    groupRef.current = L.layerGroup().addTo(map);
    if (config.tileUrl) {
      const tiles = L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 });
      let errors = 0;
      let loaded = 0;
      tiles.on('tileload', () => (loaded += 1));
      tiles.on('tileerror', () => {
        errors += 1;
        if (errors >= TILE_ERRORS_BEFORE_FALLBACK && loaded === 0) {
          map.removeLayer(tiles);
          setFallback(true);
        }
      });
      tiles.addTo(map);
    }
    // The map may start hidden (a tab) or change size with the layout.
    const observer = new ResizeObserver(() => map.invalidateSize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      markers.current.clear();
      fitted.current = false;
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // Built-in outlines, fetched only when needed (not part of the first load).
  useEffect(() => {
    const map = mapRef.current;
    if (!fallback || !map) return;
    const controller = new AbortController();
    let layer: L.GeoJSON | undefined;
    // The bundler gives a path relative to the bundle (both live in /assets/), not to the page's URL.
    fetch(new URL(outlinesUrl, import.meta.url), { signal: controller.signal })
      .then((res) => (res.ok ? (res.json() as Promise<GeoJSON.GeoJsonObject>) : null))
      .then((data) => {
        if (!data || controller.signal.aborted) return;
        // SVG (not the markers' canvas): a few dozen shapes, and their paths can be inspected.
        const renderer = L.svg({ pane: 'outlines' });
        const options = {
          pane: 'outlines',
          renderer,
          style: () => OUTLINE_STYLE,
          interactive: false,
          attribution: latest.current.t('outlinesAttribution'),
          onEachFeature: (feature: GeoJSON.Feature, layer: L.Layer) => {
            const name = feature.properties?.name as string | null | undefined;
            if (name && feature.geometry.type !== 'Point')
              layer.bindTooltip(name, {
                permanent: true,
                direction: 'center',
                className: 'cluster-map-place',
              });
          },
          // The archipelagos are points with their name always shown.
          pointToLayer: (feature: GeoJSON.Feature, at: L.LatLng) =>
            L.circleMarker(at, {
              pane: 'outlines',
              renderer,
              radius: 2,
              color: '#7d8f9f',
              interactive: false,
            }).bindTooltip(String(feature.properties?.name ?? ''), {
              permanent: true,
              direction: 'right',
              className: 'cluster-map-place',
            }),
        } as L.GeoJSONOptions;
        layer = L.geoJSON(data, options).addTo(map);
        map.getContainer().dataset.outlines = 'drawn';
      })
      .catch(() => {
        /* aborted on unmount, or the file is missing: the markers still work on a blank base */
      });
    return () => {
      controller.abort();
      layer?.remove();
    };
  }, [fallback]);

  // Add, restyle, move and remove markers as the clusters and the selection change.
  useEffect(() => {
    const map = mapRef.current;
    const group = groupRef.current;
    const renderer = rendererRef.current;
    if (!map || !group || !renderer) return;
    const seen = new Set<string>();
    const points: L.LatLngTuple[] = [];
    for (const cluster of props.clusters) {
      if (!hasPosition(cluster)) continue;
      const isSelected = props.selected?.has(cluster.id) ?? false;
      const styleKey = `${cluster.state}|${isSelected ? 1 : 0}`;
      const at: L.LatLngTuple = [cluster.latitude, cluster.longitude];
      seen.add(cluster.id);
      points.push(at);
      const entry = markers.current.get(cluster.id);
      if (!entry) {
        const marker = L.circleMarker(at, { renderer, ...markerStyle(cluster.state, isSelected) });
        const id = cluster.id;
        marker.on('click', () => onMarkerClick(id));
        group.addLayer(marker);
        markers.current.set(id, { marker, cluster, styleKey });
        continue;
      }
      const old = entry.cluster;
      if (old.latitude !== cluster.latitude || old.longitude !== cluster.longitude)
        entry.marker.setLatLng(at);
      if (entry.styleKey !== styleKey) entry.marker.setStyle(markerStyle(cluster.state, isSelected));
      entry.cluster = cluster;
      entry.styleKey = styleKey;
    }
    for (const [id, entry] of markers.current) {
      if (seen.has(id)) continue;
      group.removeLayer(entry.marker);
      markers.current.delete(id);
    }
    map.getContainer().dataset.markers = String(markers.current.size);
    if (!fitted.current && points.length > 0) {
      fitted.current = true;
      map.fitBounds(L.latLngBounds(points), { padding: [28, 28], maxZoom: 15 });
    }
  }, [props.clusters, props.selected]);

  function onMarkerClick(id: string): void {
    const { props: current, t: tr } = latest.current;
    const entry = markers.current.get(id);
    const map = mapRef.current;
    if (!entry || !map) return;
    if (current.onToggle) {
      current.onToggle(id);
      return;
    }
    L.popup({ offset: [0, -4] })
      .setLatLng(entry.marker.getLatLng())
      .setContent(popupContent(entry.cluster, tr, current.popupLink === false ? null : current.onOpen))
      .openOn(map);
  }

  const counts = countStates(props.clusters);
  const unplaced = props.clusters.filter((c) => !hasPosition(c)).length;
  const height = props.height ?? 420;
  return (
    <section class="cluster-map" aria-label={props.label}>
      <div
        ref={container}
        class="cluster-map-canvas"
        style={{ height: typeof height === 'number' ? `${height}px` : height }}
      />
      {fallback && config.tileUrl ? (
        <p class="cluster-map-note muted" role="status">
          {t('offlineOutlines')}
        </p>
      ) : null}
      {props.legend === false ? null : (
        <ul class="cluster-map-legend" aria-label={t('legend')}>
          {CLUSTER_STATES.map((state) => (
            <li key={state} data-state={state}>
              <span
                class="cluster-map-swatch"
                style={{ background: STATE_COLORS[state] }}
                aria-hidden="true"
              />
              {t(`state_${state}` as MapKey)}: <strong>{counts[state]}</strong>
            </li>
          ))}
        </ul>
      )}
      {unplaced > 0 ? <p class="cluster-map-note muted">{t('noPosition', { n: unplaced })}</p> : null}
    </section>
  );
}

/** The popup's DOM (Leaflet owns it, so plain elements; text only, never HTML from the API). */
function popupContent(
  cluster: MapCluster,
  t: Translate<MapKey>,
  /** null: no link. */
  onOpen: ((id: string) => void) | undefined | null,
): HTMLElement {
  const root = document.createElement('div');
  root.className = 'cluster-map-popup';
  const head = document.createElement('div');
  const title = document.createElement('strong');
  title.textContent = cluster.name;
  head.appendChild(title);
  if (cluster.code) {
    const code = document.createElement('span');
    code.className = 'muted';
    code.textContent = ` · ${cluster.code}`;
    head.appendChild(code);
  }
  root.appendChild(head);
  const state = document.createElement('div');
  const dot = document.createElement('span');
  dot.className = 'cluster-map-swatch';
  dot.style.background = STATE_COLORS[cluster.state];
  state.append(dot, document.createTextNode(t(`state_${cluster.state}` as MapKey)));
  root.appendChild(state);
  if (cluster.village) {
    const village = document.createElement('div');
    village.textContent = `${t('village')}: ${cluster.village}`;
    root.appendChild(village);
  }
  if (onOpen === null) return root;
  const href = `/fleet/${encodeURIComponent(cluster.id)}`;
  const link = document.createElement('a');
  link.href = href;
  link.textContent = t('openCluster');
  link.addEventListener('click', (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (onOpen) onOpen(cluster.id);
    else navigate(href);
  });
  root.appendChild(link);
  return root;
}

/** Every state's label, for callers that list states (filters, badges). */
export function stateLabel(t: Translate<MapKey>, state: ClusterState): string {
  return t(`state_${state}` as MapKey);
}
