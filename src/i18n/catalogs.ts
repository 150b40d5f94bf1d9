/** Imports every area's catalog so they register. Import this once from entry points (CLI, library index). */
export {};
