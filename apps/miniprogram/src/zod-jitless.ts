// WeChat forbids `new Function`, and zod decides whether to compile a fast path when a schema is *built*,
// so this must run before any module that defines a schema: app.tsx imports it first.
import z from 'zod';

z.config({ jitless: true });
