/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.scss';

/** API origin for the mini-program build, from config/index.ts defineConstants. */
declare const API_BASE: string;

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test';
    TARO_ENV: 'weapp' | 'swan' | 'alipay' | 'h5' | 'rn' | 'tt' | 'qq' | 'jd' | 'harmony' | 'jdrn';
  }
}
