export * from './application-permission';
export * from './finspace-data-access';
export * from './permission-group';
export * from './group-membership';
export * from './finspace-user';
export * from './if-exists';
