/** The product's name as people read it (the same as styles/tokens.scss $product-name, index.html and app.config.ts). */
export const PRODUCT_NAME = '随手拍 · 大连城市精细化管理'
/** The short name: the title bar's mark and the home page's hero. */
export const PRODUCT_SHORT = '随手拍'
