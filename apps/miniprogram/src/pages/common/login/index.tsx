// Log-in: WeChat on the mini-program; phone (demo accounts) on h5 and in development.
import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { Phone } from '@linli/shared';
import { BigButton } from '../../../components/BigButton';
import { messageOf } from '../../../services/api';
import { loginWithPhone, loginWithWechat } from '../../../services/auth';
import { homePathForRoles } from '../../../services/navigation';
import { phoneLoginAvailable, wechatLoginAvailable } from '../../../services/platform';
import { readTokens } from '../../../services/storage';
import { forgetMe, loadMe } from '../../../stores/session';
import './index.scss';

const demoAccounts = [
  { phone: '13801110100', who: '居民（1号楼 1单元 101）' },
  { phone: '13900000001', who: '网格员（第一网格）' },
  { phone: '13900000000', who: '社区管理员' },
  { phone: '13900000031', who: '志愿者' },
];

async function enterApp(): Promise<void> {
  const me = await loadMe({ fresh: true });
  await Taro.reLaunch({ url: homePathForRoles(me.roles) });
}

export default function LoginPage() {
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);
  const [checkingSession, setCheckingSession] = useState(() => readTokens() !== null);
  const [error, setError] = useState<string | null>(null);

  // A stored session skips the form; if it no longer works the api client has already cleared it.
  useEffect(() => {
    if (!checkingSession) return;
    enterApp().catch((err: unknown) => {
      setError(messageOf(err));
      setCheckingSession(false);
    });
  }, [checkingSession]);

  async function run(login: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      forgetMe();
      await login();
      await enterApp();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  function submitPhone() {
    const parsed = Phone.safeParse(phone);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? '请输入 11 位手机号');
      return;
    }
    void run(() => loginWithPhone(parsed.data));
  }

  return (
    <View className="login">
      <View className="login__brand">
        <Text className="login__name">邻里</Text>
        <Text className="login__slogan">楼栋互助 · 保供团购 · 每日打卡</Text>
      </View>

      {checkingSession ? (
        <View className="login__card">
          <Text className="text-secondary">正在恢复登录…</Text>
        </View>
      ) : (
        <View className="login__card">
          {wechatLoginAvailable ? (
            <BigButton className="login__wechat" busy={busy} onClick={() => run(loginWithWechat)}>
              微信一键登录
            </BigButton>
          ) : null}

          {phoneLoginAvailable ? (
            <View className="login__phone">
              <Text className="login__label">手机号</Text>
              <View className="login__field">
                <Input
                  className="login__input"
                  type="number"
                  maxlength={11}
                  placeholder="请输入 11 位手机号"
                  value={phone}
                  onInput={(e) => setPhone(e.detail.value)}
                  onConfirm={submitPhone}
                />
              </View>
              <BigButton busy={busy} onClick={submitPhone}>
                登录
              </BigButton>
            </View>
          ) : null}

          {error ? <Text className="notice notice--error login__error">{error}</Text> : null}
        </View>
      )}

      {phoneLoginAvailable && !checkingSession ? (
        <View className="login__demo">
          <Text className="login__demo-title">演示账号（点一下即可填入）</Text>
          {demoAccounts.map((account) => (
            <View key={account.phone} className="login__demo-row" onClick={() => setPhone(account.phone)}>
              <Text className="login__demo-phone">{account.phone}</Text>
              <Text className="login__demo-who">{account.who}</Text>
            </View>
          ))}
        </View>
      ) : null}
    </View>
  );
}
