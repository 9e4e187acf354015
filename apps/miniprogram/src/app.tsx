// The app root: configures zod for WeChat before anything else loads, then renders the current page.
import './zod-jitless';
import type { PropsWithChildren } from 'react';
import './app.scss';

function App({ children }: PropsWithChildren) {
  return children;
}

// Taro requires the app component as the default export.
export default App;
