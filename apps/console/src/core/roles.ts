import type { common } from './messages';

type Key = keyof (typeof common)['vi'];

export const ROLE_LABEL: Record<string, Key> = {
  admin: 'roleAdmin',
  province_admin: 'roleProvinceAdmin',
  district_technician: 'roleDistrictTechnician',
  commune_operator: 'roleCommuneOperator',
  viewer: 'roleViewer',
};

export const LEVEL_LABEL: Record<string, Key> = {
  province: 'levelProvince',
  district: 'levelDistrict',
  commune: 'levelCommune',
  village: 'levelVillage',
};
