export * from './application-permission';
export * from './finspace-data-access';
