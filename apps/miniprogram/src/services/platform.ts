// The one place that asks which platform we are built for; everything else imports these answers.
export const isWeapp = process.env.TARO_ENV === 'weapp';
export const isH5 = process.env.TARO_ENV === 'h5';

/** h5 is served by the API server itself, so requests stay same-origin; the mini-program needs an absolute origin. */
export const apiBase = isH5 ? '' : API_BASE;

/** Phone log-in is the demo door: always on h5, and in development builds of the mini-program. */
export const phoneLoginAvailable = isH5 || process.env.NODE_ENV === 'development';
export const wechatLoginAvailable = isWeapp;
