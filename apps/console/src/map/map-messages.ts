import { defineMessages } from '../core/i18n';

/** Words of the map and of cluster states, shared by the fleet pages and anyone showing a cluster's state. */
export const mapMessages = defineMessages({
  vi: {
    state_online: 'Trực tuyến',
    state_offline: 'Mất kết nối',
    state_fault: 'Có lỗi',
    state_battery: 'Đang chạy pin',
    state_never: 'Chưa kết nối',
    legend: 'Chú giải',
    legendCount: '{label}: {n}',
    noPosition: '{n} cụm loa chưa có tọa độ nên không hiện trên bản đồ.',
    openCluster: 'Xem chi tiết cụm loa',
    village: 'Thôn/bản',
    selected: 'Đã chọn',
    offlineOutlines: 'Không tải được nền bản đồ: đang hiển thị ranh giới tỉnh có sẵn (không cần Internet).',
    outlinesAttribution: 'Ranh giới tỉnh: Natural Earth (phạm vi công cộng)',
    zoomIn: 'Phóng to',
    zoomOut: 'Thu nhỏ',
  },
  en: {
    state_online: 'Online',
    state_offline: 'Offline',
    state_fault: 'Faulty',
    state_battery: 'On battery',
    state_never: 'Never connected',
    legend: 'Legend',
    legendCount: '{label}: {n}',
    noPosition: '{n} clusters have no coordinates and are not on the map.',
    openCluster: 'Open cluster page',
    village: 'Village',
    selected: 'Selected',
    offlineOutlines:
      'Map tiles could not be loaded: showing the built-in province outlines (no Internet needed).',
    outlinesAttribution: 'Province outlines: Natural Earth (public domain)',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
  },
});
