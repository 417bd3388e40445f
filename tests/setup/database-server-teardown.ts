import { tearDownDatabaseServer } from './database-server';

export default tearDownDatabaseServer;
