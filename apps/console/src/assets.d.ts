// esbuild's `file` loader: importing these gives the hashed URL of the copied file.
declare module '*.geojson' {
  const url: string;
  export default url;
}
declare module '*.png' {
  const url: string;
  export default url;
}
declare module '*.svg' {
  const url: string;
  export default url;
}
