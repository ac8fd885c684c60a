export * from './format/types.ts';
