/** A .proto file imported as text (esbuild's `text` loader, configured in esbuild.mjs). */
declare module '*.proto' {
  const text: string;
  export default text;
}
