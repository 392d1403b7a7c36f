import {
  accountConfig,
  authConfig,
  databaseConfig,
  httpConfig,
  mailConfig,
  oauthConfig,
  throttlingConfig,
} from '../../src/config/app.config';
import { validateEnvironment } from '../../src/config/environment';

const environment = validateEnvironment({ DATABASE_URL: 'mysql://test:test@127.0.0.1:3306/test' });

/** The settings of the documented defaults, for unit tests to change field by field. */
export const defaultSettings = {
  database: databaseConfig.fromEnvironment(environment),
  auth: authConfig.fromEnvironment(environment),
  oauth: oauthConfig.fromEnvironment(environment),
  http: httpConfig.fromEnvironment(environment),
  throttling: throttlingConfig.fromEnvironment(environment),
  mail: mailConfig.fromEnvironment(environment),
  account: accountConfig.fromEnvironment(environment),
};
