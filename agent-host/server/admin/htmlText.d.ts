/** HTML files are inlined as text by esbuild (the `.html` loader in esbuild.mjs). */
declare module '*.html' {
  const text: string;
  export default text;
}
