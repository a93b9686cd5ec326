export { FrameCursor, isOneServerPong } from './frame-cursor.js';
