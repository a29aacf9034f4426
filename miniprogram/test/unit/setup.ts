// Runs before each test file: the build-time constants Taro's config would inject.
process.env.TARO_ENV = 'h5'
;(globalThis as { FINECITY_API_BASE?: string }).FINECITY_API_BASE = ''
